// The one module that wraps prom-client: the service's Prometheus metrics, in a registry of its own
// (no global default registry, so tests and several servers in one process do not collide).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ServiceMetrics {
  webhookDeliveries: Counter<'pipeline' | 'outcome'>;
  webhookAckSeconds: Histogram<'pipeline'>;
  records: Counter<'pipeline' | 'outcome'>;
  retries: Counter<'pipeline'>;
  pending: Gauge<'pipeline'>;
  quarantined: Gauge<'pipeline'>;
  lastSuccessfulRun: Gauge<'pipeline'>;
  storeSeconds: Histogram<'operation'>;
  batchPhaseSeconds: Histogram<'pipeline' | 'phase'>;
  connectionsRefused: Counter<'reason'>;
  driftItems: Gauge<'pipeline'>;
  readAhead: Counter<'pipeline' | 'outcome'>;
  /** Registers the metrics of a store shared by replicas (PostgreSQL), once; queue depth is read from `queueDepth` at each scrape. */
  sharedStore(queueDepth: () => Promise<Record<string, number>>): SharedStoreMetrics;
  render(): Promise<string>;
  contentType: string;
}

export interface SharedStoreMetrics {
  claimSeconds: Histogram<'outcome'>;
  leaseExpiries: Counter<'pipeline'>;
}

export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry();
  const registers = [registry];
  let shared: SharedStoreMetrics | undefined;
  return {
    sharedStore(queueDepth) {
      if (shared) return shared;
      new Gauge({
        name: 'mlc_queue_depth',
        help: 'Jobs queued per pipeline in the shared store (due or waiting for a retry), read at each scrape.',
        labelNames: ['pipeline'],
        registers,
        async collect() {
          const depth = await queueDepth().catch(() => undefined);
          this.reset();
          if (depth) for (const [pipeline, n] of Object.entries(depth)) this.set({ pipeline }, n);
        },
      });
      shared = {
        claimSeconds: new Histogram({ name: 'mlc_store_claim_seconds', help: 'Time a replica took to claim a job (or find none), by outcome (claimed, empty).', labelNames: ['outcome'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers }),
        leaseExpiries: new Counter({ name: 'mlc_lease_expiries_total', help: "Jobs taken over after their lease ran out (the replica holding them was killed, stalled or cut off).", labelNames: ['pipeline'], registers }),
      };
      return shared;
    },
    webhookDeliveries: new Counter({ name: 'mlc_webhook_deliveries_total', help: 'Webhook deliveries by outcome (accepted, duplicate, forged, stale, too-large, store-unavailable, draining).', labelNames: ['pipeline', 'outcome'], registers }),
    webhookAckSeconds: new Histogram({
      name: 'mlc_webhook_ack_seconds',
      help: 'Time from a delivery fully received to its answer (durable persistence included).',
      labelNames: ['pipeline'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    records: new Counter({ name: 'mlc_records_total', help: 'Source records processed, by outcome (written, unchanged, quarantined, pending, dropped).', labelNames: ['pipeline', 'outcome'], registers }),
    retries: new Counter({ name: 'mlc_retries_total', help: 'Jobs and changes scheduled for another attempt.', labelNames: ['pipeline'], registers }),
    pending: new Gauge({ name: 'mlc_pending_changes', help: 'Changes waiting for a retry.', labelNames: ['pipeline'], registers }),
    quarantined: new Gauge({ name: 'mlc_quarantined_records', help: 'Records in quarantine.', labelNames: ['pipeline'], registers }),
    lastSuccessfulRun: new Gauge({ name: 'mlc_last_successful_run_timestamp_seconds', help: 'When the pipeline last finished a batch without errors (Unix seconds).', labelNames: ['pipeline'], registers }),
    storeSeconds: new Histogram({ name: 'mlc_store_operation_seconds', help: 'Store latency by operation.', labelNames: ['operation'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1], registers }),
    batchPhaseSeconds: new Histogram({
      name: 'mlc_batch_phase_seconds',
      help: "Time a batch spent in each phase: read (source pages and record steps), steps (roster steps), actual (the sink's actual state), apply (the writes), commit.",
      labelNames: ['pipeline', 'phase'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers,
    }),
    connectionsRefused: new Counter({ name: 'mlc_connections_refused_total', help: "Connections to serve's port closed unread because a cap was reached (per-address or total).", labelNames: ['reason'], registers }),
    driftItems: new Gauge({ name: 'mlc_drift_items', help: "Items whose actual state in the sink differed from the desired state at the last drift check (plus the sink's own drift findings).", labelNames: ['pipeline'], registers }),
    readAhead: new Counter({ name: 'mlc_webhook_read_ahead_total', help: "Source reads started as a webhook was verified, by outcome (started; skipped: too many under way, or paused while the source throttles; taken by the delivery's job; failed: the job read again).", labelNames: ['pipeline', 'outcome'], registers }),
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** One pipeline's cumulative bucket counts of a histogram (the console draws them; no prom-client type leaves this module). */
export async function histogramBuckets(histogram: Histogram<'pipeline'>, pipeline: string): Promise<{ count: number; buckets: { leSeconds: number; count: number }[] }> {
  const { values } = await histogram.get();
  const mine = values.filter((v) => v.labels.pipeline === pipeline);
  // prom-client types a histogram's labels as the declared ones; its bucket rows also carry `le`.
  const le = (v: (typeof values)[number]): string | undefined => (v.labels as Record<string, string | number | undefined>).le?.toString();
  const buckets = mine
    .filter((v) => v.metricName?.endsWith('_bucket') && le(v) !== '+Inf')
    .map((v) => ({ leSeconds: Number(le(v)), count: v.value }))
    .sort((a, b) => a.leSeconds - b.leSeconds);
  const count = mine.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  return { count, buckets };
}
