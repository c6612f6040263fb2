// Sends changes to the sink, one apply-order level at a time, and sorts the answers: applied;
// drift (edited by hand, reported); transient failures retried within the pipeline's retry policy
// and then kept pending with their attempt count and Retry-After; bad-record failures quarantined;
// anything else (config, bug) stops the run.
import type { ActualItem, Change, ChangeResult, DriftPolicy, EntitySpec, SinkConnector } from '../connectors/definition.ts';
import { MlcError, type ConnectorRuntimeError } from '../errors.ts';
import { backoffDelayMs, type BackoffPolicy } from '../policies/retry.ts';

export interface ApplyPolicy extends BackoffPolicy {
  maxAttempts: number;
}

export interface ApplyOutcome {
  applied: { change: Change; version?: string; repaired?: string }[];
  /** `actual`: the item as the sink found it when it refused the write, when it said (deleted or not said: absent). */
  drift: { change: Change; detail: string; actual?: ActualItem }[];
  pending: { change: Change; attempts: number; retryAfterMs?: number; error: ConnectorRuntimeError }[];
  rejected: { change: Change; error: ConnectorRuntimeError }[];
}

export interface ApplyEnvironment {
  sink: SinkConnector;
  entities: readonly EntitySpec[];
  policy: ApplyPolicy;
  drift: DriftPolicy;
  signal: AbortSignal;
  sleep(ms: number): Promise<void>;
  random?: () => number;
}

function stopping(change: Change, error: ConnectorRuntimeError): MlcError {
  return new MlcError(error.code, `the sink refused ${change.action} ${change.entity}/${change.key}: ${error.message}`, { cause: error, errorClass: error.errorClass });
}

async function applyLevel(changes: readonly Change[], env: ApplyEnvironment, outcome: ApplyOutcome): Promise<void> {
  let todo = [...changes];
  for (let attempt = 1; todo.length > 0; attempt++) {
    const results: ChangeResult[] = await env.sink.apply(todo, { signal: env.signal, drift: env.drift });
    if (results.length !== todo.length) throw new MlcError('MLC_INTERNAL', `the sink answered ${results.length} results for ${todo.length} changes`);
    const transient: { change: Change; error: ConnectorRuntimeError }[] = [];
    for (const result of results) {
      if (result.status === 'applied') outcome.applied.push({ change: result.change, ...(result.version !== undefined ? { version: result.version } : {}), ...(result.repaired ? { repaired: result.repaired } : {}) });
      else if (result.status === 'drift') outcome.drift.push({ change: result.change, detail: result.detail, ...(result.actual ? { actual: result.actual } : {}) });
      else if (result.error.errorClass === 'transient') transient.push({ change: result.change, error: result.error });
      else if (result.error.errorClass === 'bad-record') outcome.rejected.push({ change: result.change, error: result.error });
      else throw stopping(result.change, result.error);
    }
    if (transient.length === 0) return;
    const retryAfterMs = Math.max(0, ...transient.map((t) => t.error.retryAfterMs ?? 0));
    const delay = Math.max(backoffDelayMs(attempt, env.policy, env.random), retryAfterMs);
    // Past its attempts, or asked to wait longer than the policy's longest interval: keep it pending
    // for a later run rather than hold this one.
    if (attempt >= env.policy.maxAttempts || delay > env.policy.maxIntervalMs || env.signal.aborted) {
      for (const t of transient) outcome.pending.push({ ...t, attempts: attempt, ...(t.error.retryAfterMs !== undefined ? { retryAfterMs: t.error.retryAfterMs } : {}) });
      return;
    }
    await env.sleep(delay);
    todo = transient.map((t) => t.change);
  }
}

/** Levels in apply order (segments before the accounts built from them); deactivations in reverse. */
export async function applyChanges(changes: readonly Change[], env: ApplyEnvironment): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { applied: [], drift: [], pending: [], rejected: [] };
  const order = new Map(env.entities.map((e) => [e.name, e.applyOrder]));
  const levels: Change[][] = [];
  for (const change of changes) {
    const last = levels.at(-1);
    const first = last?.[0];
    if (first && (first.action === 'deactivate') === (change.action === 'deactivate') && order.get(first.entity) === order.get(change.entity)) last.push(change);
    else levels.push([change]);
  }
  for (const level of levels) await applyLevel(level, env, outcome);
  return outcome;
}
