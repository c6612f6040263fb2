// What a secret may be called and hold, and the environment variable that can stand in for it. The name
// rule is the one `${secret:name}` references follow in the schemas (`secretRef` in
// schema/pipeline.schema.json and the connectors' secret fields; a test keeps them equal), plus a length
// cap, so a name that validates in a pipeline can always be stored, and the other way round.
import { ConnectorRuntimeError, type ErrorCode } from '../errors.ts';

export const SECRET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const SECRET_NAME_MAX_LENGTH = 128;

export function isSecretName(name: string): boolean {
  return name.length <= SECRET_NAME_MAX_LENGTH && SECRET_NAME_PATTERN.test(name);
}

/** Throws MLC_SECRET_NAME_INVALID unless `name` is a valid secret name. */
export function checkSecretName(name: string): string {
  if (!isSecretName(name)) {
    // The name is shown: it is an identifier, never a value (a value cannot reach here from argv).
    throw secretError(
      'MLC_SECRET_NAME_INVALID',
      `'${name.length > 40 ? `${name.slice(0, 40)}…` : name}' is not a secret name: use a letter or digit, then letters, digits, '.', '-' or '_' (at most ${SECRET_NAME_MAX_LENGTH})`,
    );
  }
  return name;
}

/** ML_CONNECTOR_SECRET_<NAME>: the name upper-cased, every other character as `_`. */
export function secretEnvName(name: string): string {
  return `ML_CONNECTOR_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The one place secret errors are made, so a change to the error type touches one line. */
export function secretError(code: ErrorCode, message: string, cause?: unknown): ConnectorRuntimeError {
  return new ConnectorRuntimeError(code, message, cause === undefined ? undefined : { cause });
}

/** Values are text of at most this many bytes (a certificate chain fits; a data file does not). */
export const SECRET_VALUE_MAX_BYTES = 64 * 1024;

/**
 * Text read from stdin, a file or a secrets-dir file loses one trailing newline (`echo` and editors add
 * it; Docker and Kubernetes mounts often have it), so all three give the same value. A problem means
 * "no value": empty, not UTF-8, or too large, with the reason.
 */
export function secretValueFromBytes(bytes: Uint8Array): { value: string } | { problem: string } {
  if (bytes.length > SECRET_VALUE_MAX_BYTES) return { problem: `is ${bytes.length} bytes; a secret holds at most ${SECRET_VALUE_MAX_BYTES}` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: 'is not UTF-8 text (base64-encode binary secrets)' };
  }
  const value = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  return value.length === 0 ? { problem: 'is empty' } : { value };
}
