// One drift check: the sink's actual state of every item the pipeline manages, against the desired
// state the store last committed. A difference means someone edited, deactivated or deleted an item
// in the sink by hand (or the sink's own drift() saw a structural change). The check only reads and
// records: each drifted item is an audit event (stage drift, before = the sink's values, after = the
// desired ones); repairing is a full batch, which the poller enqueues when the policy says repair.
import type { DriftFinding } from '../connectors/definition.ts';
import type { OpenedPipeline } from '../engine/open-pipeline.ts';
import { readActualFor } from '../engine/desired-state.ts';
import { diff, idempotencyKeyFor } from '../engine/diff.ts';
import { emptyBatch, type AuditEvent, type Store } from '../store/store.ts';

export interface DriftedItem {
  entity: string;
  key: string;
  /** What applying the desired state back would do: create (deleted by hand), update, or reactivate. */
  action: 'create' | 'update' | 'deactivate';
}

export interface DriftReport {
  pipeline: string;
  checkedAt: string;
  items: DriftedItem[];
  findings: DriftFinding[];
}

export async function checkDrift(opened: OpenedPipeline, store: Store, options: { now: Date; runId: string; signal: AbortSignal }): Promise<DriftReport> {
  const { compiled } = opened;
  const desired = await store.desired.all(compiled.name);
  // Partial scope: only the items this pipeline manages are read and compared; what else the sink
  // holds is not ours to report.
  const actual = await readActualFor(opened.sink, compiled.entities, desired, 'partial', { signal: options.signal });
  const changes = diff(desired, actual, compiled.entities, { scope: 'partial', idempotencyKey: idempotencyKeyFor(compiled.name, options.runId) });
  const findings = opened.sink.drift ? await opened.sink.drift({ signal: options.signal }) : [];
  const checkedAt = options.now.toISOString();
  if (compiled.policies.audit.enabled && (changes.length > 0 || findings.length > 0)) {
    const event = (recordKey: string, detail: string, values: Pick<AuditEvent, 'before' | 'after'> = {}): AuditEvent => ({
      pipeline: compiled.name,
      runId: options.runId,
      recordKey,
      stage: 'drift',
      at: checkedAt,
      pipelineVersion: compiled.version,
      detail,
      ...values,
    });
    const audit = [
      ...changes.map((c) =>
        event(`${c.entity}/${c.key}`, c.action === 'create' ? 'missing from the sink (deleted by hand?)' : 'the sink differs from the desired state (edited by hand?)', {
          ...(c.before ? { before: c.before } : {}),
          ...(c.after ? { after: c.after } : {}),
        }),
      ),
      ...findings.map((f) => event(f.key ? `${f.entity}/${f.key}` : f.entity, `${f.kind}: ${f.detail}`)),
    ];
    await store.commit({ ...emptyBatch(compiled.name, options.runId), audit });
  }
  return { pipeline: compiled.name, checkedAt, items: changes.map((c) => ({ entity: c.entity, key: c.key, action: c.action })), findings };
}
