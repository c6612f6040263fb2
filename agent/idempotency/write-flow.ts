// One idempotent write, start to end: look the key up, record the intent durably before Sage is
// touched, run, record the outcome. Truthful under faults:
// - the intent cannot be recorded (disk full): 503 storage_unavailable, Sage untouched;
// - a retryable failure is not remembered, and its intent stays, because with real Sage a broken
//   session may still have written: the retry reconciles first;
// - a key whose first run was never answered is probed against Sage before running again, and a
//   412/428 is never remembered for it (it may be a conflict with its own earlier effect, or one
//   that a later state resolves);
// - the outcome cannot be recorded: the answer is still given (the intent is durable, so the effect
//   is found again after a restart) and the failure is logged.
import type { Logger } from '../../runtime/lib/log.ts';
import { AgentError } from '../errors.ts';
import type { RouteResult } from '../http/routes.ts';
import { probeApplied, stored, type WriteRunner } from './reconcile.ts';
import type { IdempotencyStore, IntentRequest } from './store.ts';

export interface WriteFlowResult {
  result: RouteResult;
  replayed: boolean;
}

const UNSTORED_FOR_UNANSWERED = new Set(['etag_mismatch', 'precondition_required']);

export function errorResult(error: AgentError): RouteResult {
  const headers: Record<string, string> = {};
  if (error.details.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.details.retryAfterSeconds);
  if (error.code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
  return { status: error.status, body: error.toBody(), headers };
}

export async function idempotentWrite(store: IdempotencyStore, logger: Logger, key: string, fingerprint: string, request: IntentRequest, run: WriteRunner): Promise<WriteFlowResult> {
  const begun = store.begin(key, fingerprint);
  if (begun.kind === 'replay') return { result: { status: begun.response.status, body: JSON.parse(begun.response.body) as unknown, headers: begun.response.headers }, replayed: true };
  if (begun.kind === 'mismatch') throw new AgentError('idempotency_mismatch', 'this Idempotency-Key was used for a different request; use a new key for a new request');
  if (begun.kind === 'in_progress') throw new AgentError('idempotency_in_progress', 'a request with this Idempotency-Key is still running', { retryAfterSeconds: 1 });
  const unanswered = begun.kind === 'unanswered';

  const remember = (result: RouteResult): RouteResult => {
    try {
      store.complete(key, fingerprint, stored(result));
    } catch (error) {
      logger.error({ err: error instanceof Error ? error.message : String(error) }, 'the outcome of a write could not be recorded; its recorded intent is reconciled on the next start');
    }
    return result;
  };

  let result: RouteResult;
  try {
    if (unanswered) {
      const applied = await probeApplied(run, request);
      if (applied) return { result: remember(applied), replayed: false };
    } else {
      try {
        store.recordIntent(key, fingerprint, request);
      } catch (error) {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'a write was refused: its intent could not be recorded');
        throw new AgentError('storage_unavailable', 'the agent cannot record this write durably (is its disk full?); Sage was not changed; retry later', { retryAfterSeconds: 30 });
      }
    }
    result = await run(request, false);
  } catch (error) {
    if (error instanceof AgentError && error.code === 'storage_unavailable') throw error;
    if (error instanceof AgentError && !error.retryable) {
      const refused = errorResult(error);
      if (unanswered && UNSTORED_FOR_UNANSWERED.has(error.code)) {
        store.abandon(key);
        return { result: refused, replayed: false };
      }
      // A definite refusal is the answer to this request: a repeat must get it again, not a second try.
      return { result: remember(refused), replayed: false };
    }
    store.abandon(key);
    throw error;
  }
  return { result: remember(result), replayed: false };
}
