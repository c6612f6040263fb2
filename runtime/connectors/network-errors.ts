// What a failed connection means: a certificate we do not trust is a configuration problem (retrying
// cannot fix it), a response too large is a remote that is not what the pipeline expects, anything else
// at the network level (refused, reset, DNS, timeouts) is transient.
import type { ErrorCode } from '../errors.ts';

const TLS_TRUST_CODES = new Set([
  'ERR_CERT_PIN_MISMATCH',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

const PLAIN_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
  UND_ERR_SOCKET: 'connection closed mid-response',
  UND_ERR_CLOSED: 'connection closed',
  ECONNABORTED: 'connection aborted',
};

function codeOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (TLS_TRUST_CODES.has(code) || code in PLAIN_REASONS || code === 'ERR_RESPONSE_TOO_LARGE')) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return (error as { code?: unknown } | undefined)?.code as string | undefined;
}

export function classifyNetworkError(error: unknown, label: string): { code: ErrorCode; message: string } {
  const code = codeOf(error);
  const text = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_RESPONSE_TOO_LARGE') return { code: 'MLC_REMOTE_RESPONSE_TOO_LARGE', message: `${label} sent a ${text}` };
  if (code && TLS_TRUST_CODES.has(code)) {
    return { code: 'MLC_TLS_UNTRUSTED', message: `${label}'s TLS certificate is not trusted (${code}): ${text}` };
  }
  const reason = (code && PLAIN_REASONS[code]) ?? text;
  return { code: 'MLC_REMOTE_UNAVAILABLE', message: `${label} could not be reached: ${reason}` };
}
