// What a connector is, seen from the runtime (contract v2): a plain definition object whose `create`
// returns a small source or sink. Connectors import only runtime/index.ts; the runtime never imports a
// connector (they are listed in connectors/index.ts). The flow this contract serves is described in
// README "Connector contract": source pages → steps → desired state → runtime diff → sink.apply.
import type { ConnectorContext } from './context.ts';
import type { ConnectorRuntimeError } from '../errors.ts';

export type ConnectorKind = 'source' | 'sink';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A JSON Schema (2020-12) object; kept loose because connectors own their schemas. */
export type JsonSchemaObject = Record<string, unknown>;

/** Rules a code must follow to be written to one of a sink's named segments. */
export interface CodeFormat {
  /** Maximum number of characters. */
  length: number;
  /** numeric: digits only (the target zero-fills); alphanumeric: letters and digits (the target upper-cases). */
  charset: 'numeric' | 'alphanumeric';
}

export interface CheckResult {
  ok: boolean;
  /** One line a person can act on: what was reached, or the one reason it could not be. */
  detail: string;
  /** Facts worth printing (company name, record count, certificate fingerprint, scopes…). */
  facts?: Record<string, string | number | boolean>;
}

export interface ReadOptions {
  signal: AbortSignal;
}

/** Where a source resumes; opaque to the runtime, committed only after the sink has answered. */
export type Checkpoint = Json;

export interface SourceRecord {
  /** Stable identity (an employee id): coalescing, the mirror, audit and quarantine are keyed by it. */
  key: string;
  /** Change marker (e.g. a last-changed timestamp): lets the runtime drop stale duplicates. */
  version?: string;
  /** The source says the record is gone (not the same as an inactive status, which is data). */
  deleted?: boolean;
  data: JsonObject;
}

export interface SourcePage {
  records: SourceRecord[];
  /** Where to resume after this page. Absent on pages of keyed reads. */
  checkpoint?: Checkpoint;
  /** Keys asked for that the source no longer has (deleted between a webhook and the read). */
  missingKeys?: string[];
}

export interface WebhookDelivery {
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string>>;
  rawBody: Buffer;
  receivedAt: Date;
}

export type WebhookVerdict = { ok: true; signedAt?: Date } | { ok: false; reason: string };

export interface WebhookAdapter {
  /**
   * Checks the signature with each of the trigger's signing keys (two during a rotation); returns the
   * signed time so the runtime enforces the tolerance window. Never throws for a malformed delivery.
   */
  verify(delivery: WebhookDelivery, signingKeys: readonly string[]): WebhookVerdict;
  /**
   * The record keys a verified delivery names; [] for a shape it does not know (the runtime then polls
   * for changes). Throws for a body it cannot parse at all: the runtime answers 400 and keeps nothing.
   */
  keys(delivery: WebhookDelivery): string[];
}

export interface SourceConnector {
  /** A complete read (cron mode `full`) through the system's bulk endpoints. */
  readAll(options: ReadOptions): AsyncIterable<SourcePage>;
  /** What changed after the committed checkpoint (cron mode `changed-since`); undefined: from the beginning. */
  readChanged(since: Checkpoint | undefined, options: ReadOptions): AsyncIterable<SourcePage>;
  /** The current state of these keys (a coalesced webhook burst, a replay); bulk where the API allows. */
  readKeys(keys: readonly string[], options: ReadOptions): AsyncIterable<SourcePage>;
  webhook?: WebhookAdapter;
  /** The live list of values a field may take (for mapping coverage), or undefined when the field has none. */
  optionValues?(field: string, options: ReadOptions): Promise<string[] | undefined>;
  check?(options: ReadOptions): Promise<CheckResult>;
  close?(): Promise<void>;
}

export interface EntitySpec {
  /** e.g. 'subAccount', 'account', 'headcount'. */
  name: string;
  /** Lower first: segment values before the accounts built from them. */
  applyOrder: number;
  /** Whether an item absent from a complete desired state may be deactivated. */
  deactivatable: boolean;
  /** Fields whose difference makes an update (others are informational). */
  compared: readonly string[];
  /** JSON Schema of an item's `values`: `test` checks aggregate output against it, the diff never sends anything else. */
  valuesSchema?: JsonSchemaObject;
}

export interface DesiredItem {
  entity: string;
  key: string;
  values: JsonObject;
  /** For the audit trail: which source records and which step produced it. */
  lineage?: { sourceKeys: readonly string[]; step?: string };
}

export interface ActualItem {
  entity: string;
  key: string;
  values: JsonObject;
  active: boolean;
  /** The sink's version of the item (an ETag), sent back as the write's precondition. */
  version?: string;
}

export type ChangeAction = 'create' | 'update' | 'deactivate';

export interface Change {
  entity: string;
  key: string;
  action: ChangeAction;
  before?: JsonObject;
  after?: JsonObject;
  /** Deterministic (pipeline, entity, key, digest of what is written): a retry after a crash sends the same key. */
  idempotencyKey: string;
  /** The version read with the actual state, for a conditional write. */
  expectedVersion?: string;
}

export type DriftPolicy = 'report' | 'repair' | 'ignore';

export type ChangeResult =
  /** `repaired`: the write went over a hand edit it found (drift policy `repair`), described for the audit trail. */
  | { change: Change; status: 'applied'; version?: string; repaired?: string }
  /** The item was edited in the sink since it was read; reported, not overwritten (drift policy `report`). `actual`: as it is now (absent: deleted). */
  | { change: Change; status: 'drift'; actual?: ActualItem; detail: string }
  | { change: Change; status: 'failed'; error: ConnectorRuntimeError };

export interface ApplyOptions extends ReadOptions {
  drift: DriftPolicy;
}

export interface DriftFinding {
  entity: string;
  key?: string;
  kind: 'renamed' | 'deactivated' | 'deleted' | 'created' | 'changed' | 'structure';
  detail: string;
}

export interface SinkConnector {
  /** Actual state of these keys, or of the whole entity ('all': complete runs, drift checks); paged bulk reads. */
  readActual(entity: string, keys: readonly string[] | 'all', options: ReadOptions): Promise<ActualItem[]>;
  /**
   * True when a write carrying `expectedVersion` is refused unless the item still has that version (and
   * the refusal re-reads and answers drift or writes back, per the drift policy). The runtime then
   * writes over the version it remembers from its last write without reading the item first.
   */
  readonly conditionalWrites?: boolean;
  /** One result per change, in order: a locked record is retried alone, a rejected one quarantined alone. */
  apply(changes: readonly Change[], options: ApplyOptions): Promise<ChangeResult[]>;
  /** Hand edits the sink can see by itself (a renamed segment, an account format that no longer matches). */
  drift?(options: ReadOptions): Promise<DriftFinding[]>;
  check?(options: ReadOptions): Promise<CheckResult>;
  close?(): Promise<void>;
}

interface DefinitionBase<Config> {
  /** Lower-case, dash-separated, unique in the registry, and the name of the connector's folder. */
  type: string;
  summary: string;
  /** JSON Schema of `config` (connectors/<type>/config.schema.json); secrets in it are `${secret:…}` references. */
  configSchema: JsonSchemaObject;
  /** Valid configurations; each one is checked against configSchema by the connector contract harness. */
  examples: readonly Config[];
}

/**
 * A person's one-time consent (OAuth 2.0 authorization code), asked for by `ml-connector connect`.
 * The runtime owns the parts that are the same for every vendor — the one-time state, the loopback
 * listener, the browser, the timeout — and the connector the vendor's URL, exchange and storage.
 */
export interface AuthorizationRequest {
  /** The redirect URI registered with the vendor; the runtime listens on it, so it must be loopback http. */
  redirectUri: string;
  /** The vendor's consent page, carrying the runtime's one-time state. */
  url(state: string): Promise<string>;
  /** Exchanges the code and stores what later runs need (through context.secrets.store); facts to print. */
  complete(code: string, options: ReadOptions): Promise<{ stored: string; facts?: Record<string, string | number | boolean> }>;
}

export interface SourceDefinition<Config = Record<string, unknown>> extends DefinitionBase<Config> {
  kind: 'source';
  /** Present when the source can be connected by a person's consent (`ml-connector connect`). */
  authorize?(config: Readonly<Config>, context: ConnectorContext): Promise<AuthorizationRequest>;
  /** Fields the source knows for this config, so `validate` can point out a misspelt field name. */
  knownFields?(config: Readonly<Config>): readonly string[];
  /** Config arrives validated, with schema defaults applied, and frozen. */
  create(config: Readonly<Config>, context: ConnectorContext): SourceConnector | Promise<SourceConnector>;
}

export interface SinkDefinition<Config = Record<string, unknown>> extends DefinitionBase<Config> {
  kind: 'sink';
  /** What the sink keeps in step, in apply order. */
  entities(config: Readonly<Config>): readonly EntitySpec[];
  /** Code formats of the sink's named segments for this config, so mapping tables are checked at load time. */
  targetFormats?(config: Readonly<Config>): Record<string, CodeFormat>;
  create(config: Readonly<Config>, context: ConnectorContext): SinkConnector | Promise<SinkConnector>;
}

export type ConnectorDefinition<Config = Record<string, unknown>> = SourceDefinition<Config> | SinkDefinition<Config>;

/** Type-checks a definition; it returns its argument, so registering is just listing. */
export function defineConnector<Config>(definition: SourceDefinition<Config>): SourceDefinition<Config>;
export function defineConnector<Config>(definition: SinkDefinition<Config>): SinkDefinition<Config>;
export function defineConnector<Config>(definition: ConnectorDefinition<Config>): ConnectorDefinition<Config> {
  return definition;
}
