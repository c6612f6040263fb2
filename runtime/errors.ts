// The one catalogue of coded errors. Every code the product reports is listed here with its class,
// which tells the engine (and the person reading) what to do about it. README.md's error table is
// kept in sync with this list by test/error-catalogue.test.ts.

/**
 * config: the files or settings are wrong; fix them and run again (never retried).
 * usage: the command line is wrong.
 * transient: a remote system is busy or unreachable; retried with backoff.
 * bad-record: one record cannot be processed; it is quarantined, the rest go on.
 * bug: a defect of ours; reported with detail.
 */
export type ErrorClass = 'config' | 'usage' | 'transient' | 'bad-record' | 'bug';

export interface ErrorSpec {
  class: ErrorClass;
  summary: string;
}

export const ERROR_CATALOGUE = {
  MLC_FILE_UNREADABLE: { class: 'config', summary: 'A file named by the command line or a pipeline does not exist or cannot be read.' },
  MLC_FILE_TOO_LARGE: { class: 'config', summary: 'A pipeline, mapping or JSONata file is larger than the limit (1 MiB).' },
  MLC_FILE_NOT_TEXT: { class: 'config', summary: 'A file is binary or not valid UTF-8.' },
  MLC_YAML_SYNTAX: { class: 'config', summary: 'The YAML is malformed (including tab indentation and custom tags).' },
  MLC_YAML_DUPLICATE_KEY: { class: 'config', summary: 'A YAML mapping has the same key twice.' },
  MLC_CSV_SYNTAX: { class: 'config', summary: 'A CSV mapping table is malformed (a quoted field that is never closed).' },
  MLC_YAML_ALIAS_LIMIT: { class: 'config', summary: 'The YAML expands too many aliases (a "billion laughs" document).' },
  MLC_SCHEMA_UNKNOWN_KEY: { class: 'config', summary: 'A key is not part of the format here; the message suggests the closest known key.' },
  MLC_SCHEMA_MISSING_KEY: { class: 'config', summary: 'A required key is missing.' },
  MLC_SCHEMA_INVALID: { class: 'config', summary: 'A value has the wrong type, form or range.' },
  MLC_CONNECTOR_UNKNOWN: { class: 'config', summary: 'No connector of that type is registered; the message suggests the closest one.' },
  MLC_CONNECTOR_KIND: { class: 'config', summary: 'A sink connector is used as a source, or the other way round.' },
  MLC_REF_MISSING_FILE: { class: 'config', summary: 'A mapping table or JSONata file named by a pipeline does not exist.' },
  MLC_JSONATA_SYNTAX: { class: 'config', summary: 'A JSONata expression does not compile.' },
  MLC_MAPPING_DUPLICATE_KEY: { class: 'config', summary: 'A mapping table has two rows for the same source value.' },
  MLC_MAPPING_CODE_FORMAT: { class: 'config', summary: "A mapping table's code does not fit its target segment (length or characters)." },
  MLC_MAPPING_SEGMENT_UNKNOWN: { class: 'config', summary: "A mapping table's target segment is not in the sink's account format." },
  MLC_ENV_UNSET: { class: 'config', summary: 'A ${env:NAME} reference names an environment variable that is not set.' },
  MLC_SECRET_MISSING: { class: 'config', summary: 'A ${secret:name} reference names a secret that is not stored.' },
  MLC_SECRETS_UNCHECKED: { class: 'config', summary: 'Warning: secret references were not checked because no secret store is configured.' },
  MLC_CASES_FAILED: { class: 'config', summary: 'A mapping or JSONata test case produced something other than what it expects.' },
  MLC_CASES_INVALID: { class: 'config', summary: 'A cases file is malformed.' },
  MLC_CONNECTOR_NOT_IMPLEMENTED: { class: 'bug', summary: "A connector's run-time behaviour is not built yet (validation works; running does not)." },
  MLC_USAGE: { class: 'usage', summary: 'The command line is wrong (unknown command or option, missing argument).' },
  MLC_INTERNAL: { class: 'bug', summary: 'An unexpected internal error; please report it with the message.' },
  MLC_REMOTE_UNAVAILABLE: { class: 'transient', summary: 'A remote system is busy, throttling (429/503) or failing (5xx), or the connection failed or timed out; retried with backoff and Retry-After.' },
  MLC_REMOTE_AUTH: { class: 'config', summary: 'A remote system refused the credentials (401/403); fix the secret or re-authorize.' },
  MLC_REMOTE_REJECTED: { class: 'bad-record', summary: 'A remote system refused one request (another 4xx); the record is quarantined with its message.' },
  MLC_REMOTE_RESPONSE_TOO_LARGE: { class: 'config', summary: 'A remote system sent a response larger than the limit; the connection is not what the pipeline expects.' },
  MLC_TLS_UNTRUSTED: { class: 'config', summary: "A remote system's TLS certificate is not the one the pipeline trusts (CA or SHA-256 fingerprint); verification is never switched off." },
  MLC_REMOTE_BAD_RESPONSE: { class: 'transient', summary: 'A remote system answered with something other than the JSON it documents (an HTML or XML page, a cut-off or malformed body).' },
  MLC_REAUTHORIZE_REQUIRED: { class: 'config', summary: 'The stored OAuth grant is no longer valid (invalid_grant: revoked, expired or reused refresh token); a person must authorize again with the connect command.' },
  MLC_COVERAGE_UNMAPPED: { class: 'config', summary: 'A value the source offers for a mapped field has no row in the mapping table, so records with it would be quarantined.' },
  MLC_COVERAGE_STALE_ROW: { class: 'config', summary: 'Warning: a mapping table row names a value the source no longer offers.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorOptions {
  cause?: unknown;
  /** When a transient failure may be tried again (a remote's Retry-After), in milliseconds from now. */
  retryAfterMs?: number;
  /** The source record (or sink item) the error belongs to, so it is quarantined or retried alone. */
  recordKey?: string;
  /** Overrides the catalogue's class where the thrower knows better (e.g. a remote 4xx that is a config mistake). */
  errorClass?: ErrorClass;
}

/**
 * The one error type the product throws on purpose: a catalogue code, and a class that steers the
 * engine (transient → retried by policy, bad-record → quarantined by cause, config → the pipeline stops).
 */
export class ConnectorRuntimeError extends Error {
  override readonly name = 'ConnectorRuntimeError';
  readonly code: ErrorCode;
  readonly errorClass: ErrorClass;
  readonly retryAfterMs: number | undefined;
  readonly recordKey: string | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.errorClass = options.errorClass ?? ERROR_CATALOGUE[code].class;
    this.retryAfterMs = options.retryAfterMs;
    this.recordKey = options.recordKey;
  }
}

/** The short name the rest of the product uses. */
export { ConnectorRuntimeError as MlcError };

export function isMlcError(error: unknown): error is ConnectorRuntimeError {
  return error instanceof ConnectorRuntimeError;
}
