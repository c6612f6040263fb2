// What each of the agent's error codes means to the runtime. The table is keyed by every code the agent
// can send (agent/errors.ts; agent-errors.test.ts fails when the agent gains one this table lacks), so
// no agent answer falls through to a guess. The mapping becomes the HTTP client's classify verdict.
import { parseRetryAfterMs, type Classification, type ErrorClass, type ErrorCode, type HttpResponse } from '../../runtime/index.ts';

type Meaning =
  /** Tried again by the HTTP client with the agent's Retry-After; past its attempts, a transient failure. */
  | { kind: 'retry' }
  /** Not a failure of the call: the sink handles it (a 404 on a one-record read, a 412 to re-read). */
  | { kind: 'answer' }
  | { kind: 'error'; code: ErrorCode; errorClass?: ErrorClass; hint: string };

export const AGENT_ERROR_MEANINGS = {
  record_locked: { kind: 'retry' },
  no_licence: { kind: 'retry' },
  session_lost: { kind: 'retry' },
  draining: { kind: 'retry' },
  idempotency_in_progress: { kind: 'retry' },
  storage_unavailable: { kind: 'retry' },
  validation_failed: { kind: 'error', code: 'MLC_REMOTE_REJECTED', hint: 'the agent refused the value' },
  sage_rejected: { kind: 'error', code: 'MLC_REMOTE_REJECTED', hint: 'Sage 100 refused the write' },
  payload_too_large: { kind: 'error', code: 'MLC_REMOTE_REJECTED', hint: 'the item is too large for the agent' },
  // A 500 the agent itself calls not retryable: quarantine the item with the message (DL-4: no blind retries).
  internal_error: { kind: 'error', code: 'MLC_REMOTE_REJECTED', hint: 'the agent failed on this item' },
  unauthorized: { kind: 'error', code: 'MLC_REMOTE_AUTH', hint: 'the agent refused the API key or client certificate; check auth in the sink config' },
  permission_denied: { kind: 'error', code: 'MLC_REMOTE_AUTH', hint: "the agent's Sage user lacks role rights for this task" },
  admin_required: { kind: 'error', code: 'MLC_REMOTE_AUTH', hint: 'this needs an admin key, which the runtime should never hold' },
  unknown_company: { kind: 'error', code: 'MLC_REMOTE_UNKNOWN_SCOPE', hint: 'the agent does not serve this company; check `company` in the sink config' },
  not_supported: { kind: 'error', code: 'MLC_REMOTE_NOT_SUPPORTED', hint: "the agent cannot do this at this site (e.g. headcount without a verified site profile)" },
  not_found: { kind: 'answer' },
  etag_mismatch: { kind: 'answer' },
  // The sink always sends a condition, a key and JSON: these mean the sink built a request wrongly.
  precondition_required: { kind: 'error', code: 'MLC_REMOTE_CONTRACT', hint: 'an update went out without If-Match' },
  idempotency_key_required: { kind: 'error', code: 'MLC_REMOTE_CONTRACT', hint: 'a write went out without an Idempotency-Key' },
  idempotency_mismatch: { kind: 'error', code: 'MLC_REMOTE_CONTRACT', hint: 'one Idempotency-Key was sent with two different bodies' },
  malformed_json: { kind: 'error', code: 'MLC_REMOTE_CONTRACT', hint: 'the request body was not JSON' },
  unsupported_media_type: { kind: 'error', code: 'MLC_REMOTE_CONTRACT', hint: 'the request had the wrong content type' },
  method_not_allowed: { kind: 'error', code: 'MLC_REMOTE_CONTRACT', hint: 'the sink called an endpoint with the wrong method' },
} as const satisfies Record<string, Meaning>;

export type AgentErrorCode = keyof typeof AGENT_ERROR_MEANINGS;

export interface AgentErrorBody {
  code: string;
  message: string;
  retryable?: boolean;
  field?: string;
  rule?: string;
  sageMessage?: string;
  retryAfterSeconds?: number;
}

export function agentError(response: HttpResponse): AgentErrorBody | undefined {
  if (!/json/.test(response.headers['content-type'] ?? '')) return undefined;
  try {
    const error = response.json<{ error?: AgentErrorBody }>().error;
    return error && typeof error.code === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}

/** The agent's words, with the field and rule (or Sage's own text) an administrator needs. */
export function describeAgentError(error: AgentErrorBody): string {
  const parts = [error.message];
  if (error.field) parts.push(`field ${error.field}${error.rule ? ` (${error.rule})` : ''}`);
  if (error.sageMessage) parts.push(`Sage says: ${error.sageMessage}`);
  return `${error.code}: ${parts.join('; ')}`;
}

/** The classify hook for every agent call: the error body decides, not the bare status. */
export function classifyAgentResponse(response: HttpResponse, clock: () => Date): Classification | undefined {
  if (response.status < 400) return undefined;
  const error = agentError(response);
  if (!error) return undefined;
  const meaning: Meaning | undefined = (AGENT_ERROR_MEANINGS as Record<string, Meaning>)[error.code];
  const reason = `the Sage 100 agent answered ${response.status} ${describeAgentError(error)}`;
  const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], clock(), Number.MAX_SAFE_INTEGER);
  if (!meaning) {
    // A code newer than this sink: trust the agent's own retryable flag, never retry a refusal.
    return error.retryable ? { retry: true, reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) } : { error: 'MLC_REMOTE_REJECTED', message: reason };
  }
  if (meaning.kind === 'answer') return 'ok';
  if (meaning.kind === 'retry') return { retry: true, reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  return { error: meaning.code, message: `${reason} (${meaning.hint})`, ...(meaning.errorClass ? { errorClass: meaning.errorClass } : {}) };
}
