// The agent's error catalogue: every error a client can receive, with its stable code, HTTP status
// and whether repeating the same request later can succeed. openapi.yaml lists the same codes and a
// test keeps the two in sync.

export const ERRORS = {
  unauthorized: { status: 401, retryable: false },
  admin_required: { status: 403, retryable: false },
  permission_denied: { status: 403, retryable: false },
  unknown_company: { status: 404, retryable: false },
  not_found: { status: 404, retryable: false },
  method_not_allowed: { status: 405, retryable: false },
  malformed_json: { status: 400, retryable: false },
  idempotency_key_required: { status: 400, retryable: false },
  unsupported_media_type: { status: 415, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  validation_failed: { status: 422, retryable: false },
  sage_rejected: { status: 422, retryable: false },
  idempotency_mismatch: { status: 422, retryable: false },
  idempotency_in_progress: { status: 409, retryable: true },
  etag_mismatch: { status: 412, retryable: false },
  precondition_required: { status: 428, retryable: false },
  record_locked: { status: 423, retryable: true },
  no_licence: { status: 503, retryable: true },
  session_lost: { status: 503, retryable: true },
  draining: { status: 503, retryable: true },
  not_supported: { status: 501, retryable: false },
  internal_error: { status: 500, retryable: false },
  storage_unavailable: { status: 503, retryable: true },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorDetails {
  /** The request field at fault, as a dotted path (validation errors). */
  field?: string;
  /** The rule the field broke, e.g. `maxLength`, `numeric`, `charset`, `required`. */
  rule?: string;
  /** Sage's own sLastErrorMsg, passed through verbatim for the administrator. */
  sageMessage?: string;
  /** Seconds after which a retry may succeed (sent as Retry-After too). */
  retryAfterSeconds?: number;
}

export class AgentError extends Error {
  override readonly name = 'AgentError';
  readonly status: number;
  readonly retryable: boolean;

  constructor(readonly code: ErrorCode, message: string, readonly details: ErrorDetails = {}) {
    super(message);
    this.status = ERRORS[code].status;
    this.retryable = ERRORS[code].retryable;
  }

  toBody(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, retryable: this.retryable, ...this.details } };
  }
}

export function validationError(field: string, rule: string, message: string): AgentError {
  return new AgentError('validation_failed', message, { field, rule });
}
