// Finding out whether a write whose first run was never answered took effect, by asking Sage rather
// than guessing: the same request runs as a probe (`reconcile` condition) that writes nothing and
// succeeds only when the record already is what the write asks for. Used on start for every
// unanswered intent, and again when a retry of such a key arrives.
import type { Logger } from '../../runtime/lib/log.ts';
import { AgentError } from '../errors.ts';
import { NOT_APPLIED } from '../etag.ts';
import type { RouteResult } from '../http/routes.ts';
import type { IdempotencyStore, IntentRequest, StoredResponse } from './store.ts';

/** Runs a recorded write through the route table; `reconcile` turns it into the probe. */
export type WriteRunner = (request: IntentRequest, reconcile: boolean) => Promise<RouteResult>;

export function stored(result: RouteResult): StoredResponse {
  return { status: result.status, headers: result.headers ?? {}, body: JSON.stringify(result.body) };
}

/**
 * The answer for a write found applied. The probe says `unchanged`; the outcome the first run had is
 * what its conditions imply: create-only created it, an If-Match whose tag is no longer current
 * updated it. Marked `Idempotent-Reconciled: true`.
 */
function appliedResult(probe: RouteResult, request: IntentRequest): RouteResult {
  const body = probe.body as { outcome: string; record: { etag: string } };
  let outcome = 'unchanged';
  if (request.ifNoneMatch !== undefined) outcome = 'created';
  else if (request.ifMatch !== undefined && !request.ifMatch.split(',').map((t) => t.trim()).includes(body.record.etag)) outcome = 'updated';
  return { status: outcome === 'created' ? 201 : 200, body: { ...body, outcome }, headers: { ...probe.headers, 'idempotent-reconciled': 'true' } };
}

/** The answer if the write's effect is in Sage now, undefined if it is not. Other errors propagate. */
export async function probeApplied(run: WriteRunner, request: IntentRequest): Promise<RouteResult | undefined> {
  try {
    return appliedResult(await run(request, true), request);
  } catch (error) {
    if (error instanceof AgentError && error.code === 'etag_mismatch' && error.details.rule === NOT_APPLIED) return undefined;
    throw error;
  }
}

export interface ReconcileReport {
  /** Found applied: their answer is now remembered. */
  applied: number;
  /** Not in Sage: a retry of the key applies them. */
  notApplied: number;
  /** Sage could not be asked (no licence, lock, ...): reconciled when the key is retried. */
  deferred: number;
}

/** Works through every unanswered intent once (on start). Never throws. */
export async function reconcileUnanswered(store: IdempotencyStore, run: WriteRunner, logger: Logger): Promise<ReconcileReport> {
  const report: ReconcileReport = { applied: 0, notApplied: 0, deferred: 0 };
  for (const intent of store.unanswered()) {
    // A retry from the client may have picked the key up already.
    if (store.begin(intent.key, intent.fingerprint).kind !== 'unanswered') continue;
    try {
      const applied = await probeApplied(run, intent.request);
      if (applied) {
        store.complete(intent.key, intent.fingerprint, stored(applied));
        report.applied++;
      } else {
        store.abandon(intent.key);
        report.notApplied++;
      }
    } catch (error) {
      store.abandon(intent.key);
      report.deferred++;
      logger.warn({ err: error instanceof Error ? error.message : String(error), path: intent.request.path }, 'an unanswered write could not be reconciled yet');
    }
  }
  if (report.applied + report.notApplied + report.deferred > 0) logger.info({ ...report }, 'unanswered writes reconciled');
  return report;
}
