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
  MLC_CSV_SYNTAX: { class: 'config', summary: 'A CSV mapping table is malformed (a quote never closed or closed on a later row, text after a closing quote, a row wider or narrower than the header, semicolons for commas).' },
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
  MLC_USAGE: { class: 'usage', summary: 'The command line is wrong (unknown command or option, missing argument).' },
  MLC_INTERNAL: { class: 'bug', summary: 'An unexpected internal error; please report it with the message.' },
  MLC_REMOTE_UNAVAILABLE: { class: 'transient', summary: 'A remote system is busy, throttling (429/503) or failing (5xx), or the connection failed or timed out; retried with backoff and Retry-After.' },
  MLC_REMOTE_AUTH: { class: 'config', summary: 'A remote system refused the credentials (401/403); fix the secret or re-authorize.' },
  MLC_REMOTE_REJECTED: { class: 'bad-record', summary: 'A remote system refused one request (another 4xx); the record is quarantined with its message.' },
  MLC_REMOTE_RESPONSE_TOO_LARGE: { class: 'config', summary: 'A remote system sent a response larger than the limit; the connection is not what the pipeline expects.' },
  MLC_TLS_UNTRUSTED: { class: 'config', summary: "A remote system's TLS certificate is not the one the pipeline trusts (CA or SHA-256 fingerprint); verification is never switched off." },
  MLC_CRON_INVALID: { class: 'config', summary: 'A cron schedule cannot be scheduled (field count, a value out of range, a step of 0, prose, a date that never comes).' },
  MLC_TIMEZONE_UNKNOWN: { class: 'config', summary: 'A time zone is not in the IANA time zone database; the message suggests the closest one.' },
  MLC_DUPLICATE_WEBHOOK_PATH: { class: 'config', summary: 'Two webhook triggers (in one pipeline or in two pipelines of one folder) listen on the same path.' },
  MLC_DUPLICATE_PIPELINE_NAME: { class: 'config', summary: 'Two pipelines in one folder have the same name (audit records and checkpoints are keyed by it).' },
  MLC_MAP_TARGET_UNKNOWN: { class: 'config', summary: "A map step's to: names no segment of the sink's account format." },
  MLC_MAP_TARGET_MISMATCH: { class: 'config', summary: "A map step writes a table's codes to another segment than the one the table is for." },
  MLC_SOURCE_FIELD_NOT_READ: { class: 'config', summary: "A map step's from: field is not among the fields the source's config reads." },
  MLC_SOURCE_FIELD_UNKNOWN: { class: 'config', summary: 'Warning: a field name the source does not know (it may be a custom field); the message suggests the closest one.' },
  MLC_JSONATA_UNKNOWN_FUNCTION: { class: 'config', summary: 'A JSONata expression calls a function that is neither built in nor bound by the expression.' },
  MLC_ENV_INVALID: { class: 'config', summary: "A value taken from an environment variable does not fit its field's rules once resolved." },
  MLC_ENV_UNCHECKED: { class: 'config', summary: 'Note: values taken from the environment were not checked against their fields because of --offline.' },
  MLC_MAPPING_NEEDS_PIPELINE: { class: 'config', summary: "Note: a mapping table checked on its own; the checks that need its pipeline's sink (segment, code format) were not made." },
  MLC_SECRET_KEY_MISSING: { class: 'config', summary: 'The secret store needs its master key: set ML_CONNECTOR_MASTER_KEY or a key file.' },
  MLC_SECRET_KEY_INVALID: { class: 'config', summary: 'The master key is not 32 bytes written as 64 hex digits or base64, or is given two ways at once.' },
  MLC_SECRET_KEY_FILE_MODE: { class: 'config', summary: 'The master key file can be read or written by its group or by others (chmod 600 it).' },
  MLC_SECRET_KEY_MISMATCH: { class: 'config', summary: 'A stored secret is encrypted under a key id the given master key does not have; nothing was changed.' },
  MLC_SECRET_CORRUPT: { class: 'config', summary: 'The secret store file, or one entry in it, fails authentication or is malformed; no value is returned.' },
  MLC_SECRET_NAME_INVALID: { class: 'config', summary: 'A secret name is not a letter or digit followed by letters, digits, dots, dashes or underscores (128 at most).' },
  MLC_SECRET_STORE_BUSY: { class: 'transient', summary: 'Another process kept the secret store locked while this one waited to change it; try again.' },
  MLC_STATE_CORRUPT: { class: 'config', summary: "A saved state file (the sandbox's --data file, a file in the agent's data directory) is damaged or not one this program wrote." },
  MLC_STEP_ORDER: { class: 'config', summary: 'A record step (filter, map, transform) comes after an aggregate; record steps come first.' },
  MLC_MAPPING_UNMAPPED: { class: 'bad-record', summary: "A record's value has no row in a mapping table (onMissing: quarantine); the record is quarantined until the row is added and it is replayed." },
  MLC_MAPPING_FAILED: { class: 'config', summary: 'A value has no row in a mapping table whose step says onMissing: fail; the run stops.' },
  MLC_EXPRESSION_FAILED: { class: 'bad-record', summary: 'An expression threw, or ran past its time or memory limit, for one record; the record is quarantined.' },
  MLC_EXPRESSION_OUTPUT: { class: 'bad-record', summary: 'A transform returned something other than an object for one record; the record is quarantined.' },
  MLC_RECORD_NOT_OBJECT: { class: 'bad-record', summary: "A source record's data is not an object; the record is quarantined." },
  MLC_AGGREGATE_OUTPUT: { class: 'config', summary: "An aggregate failed, or emitted an item the sink does not accept (unknown entity, no key, values outside the entity's schema); the run stops." },
  MLC_STORE_CORRUPT: { class: 'config', summary: 'A state file under --data is damaged or truncated; the runtime refuses to start rather than start empty.' },
  MLC_STORE_UNWRITABLE: { class: 'config', summary: 'The state directory cannot be written (permissions, disk full); nothing of the batch was committed.' },
  MLC_STORE_LOCKED: { class: 'config', summary: 'Another process is using the state directory (one writer per --data directory).' },
  MLC_SNAPSHOT_INVALID: { class: 'config', summary: 'A file given to plan --from-snapshot is not a snapshot ml-connector exported.' },
  MLC_REMOTE_UNKNOWN_SCOPE: { class: 'config', summary: 'The remote system does not know the company (tenant, book) the config names.' },
  MLC_REMOTE_NOT_SUPPORTED: { class: 'config', summary: 'The remote system cannot do this at this site (501), e.g. a feature its setup has not verified.' },
  MLC_REMOTE_CONTRACT: { class: 'bug', summary: "A request the connector built was refused as malformed, or the remote answered outside its contract; please report it." },
  MLC_SINK_CODE_FORMAT: { class: 'bad-record', summary: "An item's code does not fit its target segment (length or characters); refused before any request." },
  MLC_REMOTE_BAD_RESPONSE: { class: 'transient', summary: 'A remote system answered with something other than the JSON it documents (an HTML or XML page, a cut-off or malformed body).' },
  MLC_REAUTHORIZE_REQUIRED: { class: 'config', summary: 'The stored OAuth grant is no longer valid (invalid_grant: revoked, expired or reused refresh token); a person must authorize again with the connect command.' },
  MLC_AUTHORIZATION_FAILED: { class: 'config', summary: 'The connect command got no usable consent: refused in the browser, a callback with a wrong, missing or expired state, no answer in time, or a redirect URI it cannot listen on; nothing was stored.' },
  MLC_COVERAGE_UNMAPPED: { class: 'config', summary: "coverage: a value the source's field can take today has no row in the mapping table its map step uses (an error when onMissing is quarantine or fail, else a warning)." },
  MLC_COVERAGE_STALE_ROW: { class: 'config', summary: "Warning (coverage): a mapping row's value is not among the values the source's field can take today." },
  MLC_COVERAGE_UNCHECKED: { class: 'config', summary: 'Note (coverage): the source offers no list of values for a map step\'s field, so its table could not be checked.' },
  MLC_STORE_UNREACHABLE: { class: 'transient', summary: 'The PostgreSQL store cannot be reached or refused the connection (its URL is shown with the password hidden); retried, and /readyz says so.' },
  MLC_RETRY_POLICY_INVALID: { class: 'config', summary: 'A retry policy cannot work as written: initialIntervalMs longer than maxIntervalMs, or a deadlineMs shorter than the first wait.' },
  MLC_STORE_LEASE_LOST: { class: 'transient', summary: "A replica's lease on a job ran out or another replica took the job; the fencing token refused its late write (the job runs again elsewhere)." },
  MLC_CONSOLE_LOGIN_REQUIRED: { class: 'usage', summary: "Console: the request carries no live session (none, expired or logged out) or the login's token or password is wrong; log in again." },
  MLC_CONSOLE_FORBIDDEN: { class: 'usage', summary: "Console: the session's role may not do this (a viewer asked to replay); an operator must." },
  MLC_CONSOLE_CSRF: { class: 'usage', summary: "Console: a POST came without the session's CSRF token (not from the console page); refused, nothing changed." },
  MLC_CONSOLE_RATE_LIMITED: { class: 'usage', summary: "Console: too many login attempts from one address; the answer says when to try again." },
  MLC_CONSOLE_BAD_REQUEST: { class: 'usage', summary: "Console: a request the API cannot take (not JSON, bad paging numbers, an unreadable key, an unknown replay choice)." },
  MLC_CONSOLE_NOT_FOUND: { class: 'usage', summary: "Console: no pipeline by that name, or nothing at that address." },
  MLC_CONSOLE_PLAN_FAILED: { class: 'transient', summary: 'Console: the plan page could not be computed now (the source or the sink did not answer); try again later.' },
  MLC_CONSOLE_COVERAGE_FAILED: { class: 'transient', summary: 'Console: the coverage page could not ask the source for its live values now; try again later.' },
  MLC_STORE_EXPORT_INVALID: { class: 'config', summary: "store import: the input is not an ml-connector store export (no header, an unknown format version, a line that is not JSON or not a known record, or it ends before its end line: truncated)." },
  MLC_STORE_NOT_EMPTY: { class: 'usage', summary: "store import: the target store already holds state; import into an empty store, or pass --force to add the export on top of it." },
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
