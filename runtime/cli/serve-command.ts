// `ml-connector serve [dir]`: every pipeline of a folder, always on — one HTTP server for webhooks and
// the operations endpoints, cron triggers, and a worker that runs jobs one at a time per pipeline.
// SIGTERM/SIGINT: webhooks answer 503 at once, the running batch gets a deadline, then the process
// exits 0 (a batch cut off is run again: its lease runs out and idempotency keys make it harmless).
import { IsolatedEvaluator } from '../lib/jsonata-isolated.ts';
import { ioLogger } from './io-logger.ts';
import { createServiceMetrics, histogramBuckets } from '../lib/metrics.ts';
import { startStoreOperations, workerLease } from '../store/store-operations.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { secretLocations } from '../secrets/locations.ts';
import { createSecretResolver } from '../secrets/resolver.ts';
import { resolve } from 'node:path';
import { warmAggregates } from '../engine/warm-aggregates.ts';
import { replayFixed } from '../serve/auto-replay.ts';
import { startDriftPolling } from '../serve/drift-poll.ts';
import { jobInbox } from '../serve/job-inbox.ts';
import { startLiveFolder } from '../serve/live-folder.ts';
import { loadFolder } from '../serve/load-pipelines.ts';
import { createWorker } from '../serve/worker.ts';
import { DEFAULT_CONNECTION_LIMITS } from '../triggers/connection-limits.ts';
import { startServiceServer } from '../triggers/service-server.ts';
import { ReadAhead } from '../serve/read-ahead.ts';
import { createConsole } from '../console/console-handler.ts';
import { parseCommandArgs } from './args.ts';
import { EXIT, UsageError, type Command } from './command.ts';
import { STORE_OPTIONS, STORE_USAGE, openCommandStore, reportingErrors } from './engine-command.ts';

const USAGE = `Usage: ml-connector serve [dir] [--port 8080] [--host 127.0.0.1] [options]

Runs every pipeline in dir (default pipelines/): webhooks on their paths, cron triggers on their
schedules, retries when the policy says, drift checks on policies.driftSchedule. A changed
pipeline, mapping or JSONata file is reloaded between batches (also on SIGHUP); a new version that
does not load leaves the old one running, and quarantined records the new version fixes are
replayed by themselves. Also serves GET /healthz, /readyz (store and pipelines) and
/metrics (Prometheus). Prints one JSON line with its URL when it is ready. In a container use
--host 0.0.0.0. Stops cleanly on SIGTERM or SIGINT.

  --port N                 listen port (default 8080; 0 picks a free one)
  --host ADDRESS           listen address (default 127.0.0.1)
  --max-body-bytes N       largest webhook body accepted (default 1048576)
  --shutdown-grace-ms N    how long a running batch may finish on shutdown (default 20000)
  --max-connections-per-address N
                           connections one client address (IPv6: one /64) may hold open; more are
                           closed unread (default 64; 0 = no cap; behind a proxy, cap at the proxy)
  --max-connections N      connections held open in all (default 1024; 0 = no cap)
  --no-console             do not serve the web console under / (API under /api/)
  --reload-poll-ms N       how often file contents are hashed to catch missed change events (default 30000)

${STORE_USAGE}`;

function nonNegativeInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} must be a whole number, got '${value}'`);
  return Number(value);
}

export function serveCommand(registry: ConnectorRegistry): Command {
  return {
    name: 'serve',
    summary: 'Run every pipeline of a folder: webhooks, cron, retries, health and metrics',
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, {
        ...STORE_OPTIONS,
        port: { type: 'string' },
        host: { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'shutdown-grace-ms': { type: 'string' },
        'max-connections-per-address': { type: 'string' },
        'max-connections': { type: 'string' },
        'key-file': { type: 'string' },
        'no-console': { type: 'boolean' },
        'reload-poll-ms': { type: 'string' },
      });
      if (positionals.length > 1) throw new UsageError(`serve takes one folder; got ${positionals.length}`);
      const port = nonNegativeInteger(values.port, '--port', 8080);
      if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
      const maxBodyBytes = nonNegativeInteger(values['max-body-bytes'], '--max-body-bytes', 1024 * 1024);
      const graceMs = nonNegativeInteger(values['shutdown-grace-ms'], '--shutdown-grace-ms', 20_000);
      const connectionLimits = {
        perAddress: nonNegativeInteger(values['max-connections-per-address'], '--max-connections-per-address', DEFAULT_CONNECTION_LIMITS.perAddress),
        total: nonNegativeInteger(values['max-connections'], '--max-connections', DEFAULT_CONNECTION_LIMITS.total),
      };
      const reloadPollMs = nonNegativeInteger(values['reload-poll-ms'], '--reload-poll-ms', 30_000);
      if (reloadPollMs < 100) throw new UsageError(`--reload-poll-ms must be at least 100, got ${reloadPollMs}`);
      const dir = resolve(io.cwd, positionals[0] ?? 'pipelines');
      return reportingErrors('serve', io, async () => {
        const store = await openCommandStore(values, io);
        const logger = ioLogger(io, 'ml-connector');
        const metrics = createServiceMetrics();
        const evaluator = new IsolatedEvaluator();
        const secrets = createSecretResolver(secretLocations(values, io));
        const loadOptions = { registry, cwd: io.cwd, env: io.env, secrets, store, logger, evaluator, signal: io.stopSignal };
        const folder = await loadFolder(dir, loadOptions);
        // Webhook reads start ahead of their jobs only where this process runs every job (embedded
        // store); with replicas, another one may claim the job and the read would be wasted.
        const readAhead = store.operations ? undefined : new ReadAhead((name) => folder.pipelines.get(name)?.opened.source, { observe: (pipeline, outcome) => metrics.readAhead.inc({ pipeline, outcome }) });
        const worker = createWorker({ store, pipeline: (name) => folder.pipelines.get(name)?.opened, logger, metrics, ...workerLease(store, io.env), ...(readAhead ? { readAhead } : {}) });
        // A shared store (PostgreSQL): claim metrics, queue depth, the database in /readyz, scheduled retention.
        const storeOps = startStoreOperations(store, { metrics, logger, retentionDays: () => [...folder.pipelines.values()].map((p) => p.opened.compiled.policies.audit.retentionDays) });
        const driftPoller = startDriftPolling([...folder.pipelines.keys()], (name) => folder.pipelines.get(name)?.opened, { store, logger, metrics, signal: io.stopSignal, onEnqueued: () => worker.wake(), between: (fn) => worker.between(fn) });
        const replayIfFixed = async (names: readonly string[]): Promise<void> => {
          for (const name of names) {
            const served = folder.pipelines.get(name);
            if (!served) continue;
            const { jobs } = await replayFixed(served.opened, { store, logger }).catch((error: unknown) => {
              logger.error({ pipeline: name, err: error }, 'auto-replay could not look at the quarantine');
              return { jobs: 0 };
            });
            if (jobs > 0) worker.wake();
          }
        };
        // Partitioned aggregates evaluated once, between batches, so the first webhook costs only its partitions.
        const warm = async (names: readonly string[]): Promise<void> => {
          for (const name of names) {
            const served = folder.pipelines.get(name);
            if (!served) continue;
            const started = performance.now();
            await worker
              .between(() => warmAggregates(served.opened.compiled, store, new Date()))
              .then((records) => {
                if (records > 0) logger.info({ pipeline: name, records, ms: Math.round(performance.now() - started) }, 'partitioned aggregates evaluated');
              })
              .catch((error: unknown) => logger.warn({ pipeline: name, err: error }, 'partitioned aggregates could not be evaluated ahead; the first batch will'));
          }
        };
        const live = await startLiveFolder({
          dir,
          folder,
          load: () => loadFolder(dir, loadOptions),
          between: (fn) => worker.between(fn),
          store,
          secrets,
          maxBodyBytes,
          logger,
          onEnqueued: () => worker.wake(),
          watch: { pollMs: reloadPollMs },
          onReloaded: async (outcome) => {
            await driftPoller.reschedule([...folder.pipelines.keys()]);
            await replayIfFixed([...outcome.added, ...outcome.replaced]);
            await warm([...outcome.added, ...outcome.replaced]);
          },
        });
        const onHangUp = (): void => void live.reload('SIGHUP').catch((error: unknown) => logger.error({ err: error }, 'reload failed; the running versions stay'));
        process.on('SIGHUP', onHangUp);
        const server = await startServiceServer({
          host: values.host ?? '127.0.0.1',
          port,
          routes: () => live.routes(),
          connectionLimits,
          inbox: jobInbox(store, () => worker.wake(), readAhead),
          metrics,
          logger,
          ...(values['no-console'] ? {} : { fallback: createConsole({ source: { store, pipelines: () => folder.pipelines, failures: () => folder.failures, status: (name) => worker.status().get(name), wake: () => worker.wake(), recentRuns: (name) => worker.recentRuns(name), webhookAck: (name) => histogramBuckets(metrics.webhookAckSeconds, name) }, secrets, signal: io.stopSignal }) }),
          readiness: async () => {
            const started = process.hrtime.bigint();
            const storeReady = await storeOps.readiness();
            metrics.storeSeconds.observe({ operation: 'readyz' }, Number(process.hrtime.bigint() - started) / 1e9);
            const pipelines: Record<string, unknown> = {};
            for (const [name, served] of folder.pipelines) {
              const queued = (await store.jobs.list(name)).length;
              const drift = driftPoller.status().get(name);
              const refused = folder.refused.get(served.file);
              pipelines[name] = {
                file: served.file,
                version: served.opened.compiled.version,
                loadedAt: live.loadedAt(name),
                queued,
                ...(worker.status().get(name) ?? { state: 'ok' }),
                ...(drift ? { drift } : {}),
                ...(refused !== undefined ? { reloadError: refused } : {}),
              };
            }
            for (const [file, reason] of folder.failures) pipelines[file] = { state: 'not loaded', error: reason };
            return { ready: storeReady.ready && folder.pipelines.size > 0 && folder.failures.size === 0, detail: { store: storeReady.detail, pipelines } };
          },
        });
        worker.start();
        // The version that quarantined them may be older than the one starting now (a fix merged while
        // stopped). Looked at after the port is open: a long quarantine must not keep webhooks waiting.
        const startupReplay = replayIfFixed([...folder.pipelines.keys()]).then(() => warm([...folder.pipelines.keys()]));
        store.onJobs?.(() => worker.wake());
        io.stdout(`${JSON.stringify({ url: server.url, pipelines: [...folder.pipelines.keys()], webhooks: [...live.routes().keys()], notLoaded: [...folder.failures.keys()] })}\n`);
        await new Promise<void>((resolve) => {
          if (io.stopSignal.aborted) resolve();
          else io.stopSignal.addEventListener('abort', () => resolve(), { once: true });
        });
        logger.info({}, 'stopping: webhooks now answer 503');
        server.drain();
        process.off('SIGHUP', onHangUp);
        await live.stop();
        await startupReplay;
        await driftPoller.stop();
        await worker.stop(graceMs);
        readAhead?.close();
        storeOps.stop();
        await server.close();
        await Promise.allSettled([...folder.pipelines.values()].map((p) => p.opened.close()));
        await evaluator.close();
        await store.close();
        return folder.failures.size > 0 && folder.pipelines.size === 0 ? EXIT.invalid : EXIT.ok;
      });
    },
  };
}
