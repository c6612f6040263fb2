// What a connector is, seen from the runtime: a plain definition object. Connectors import only
// runtime's public surface; the runtime never imports a connector (they are listed in connectors/index.ts).
import type { Logger } from '../lib/log.ts';

export type ConnectorKind = 'source' | 'sink';

/** A JSON Schema (2020-12) object; kept loose because connectors own their schemas. */
export type JsonSchemaObject = Record<string, unknown>;

/** Rules a code must follow to be written to one of a sink's named segments. */
export interface CodeFormat {
  /** Maximum number of characters. */
  length: number;
  /** numeric: digits only (the target zero-fills); alphanumeric: letters and digits (the target upper-cases). */
  charset: 'numeric' | 'alphanumeric';
}

/** What the runtime hands a connector when it creates one. */
export interface ConnectorContext {
  logger: Logger;
  /** Resolves `${secret:…}` and `${env:…}` references at the moment of use, so values are not kept around. */
  resolve(reference: string): Promise<string>;
  signal: AbortSignal;
}

/** A page of source records and the cursor to continue from. */
export interface SourcePage {
  records: Record<string, unknown>[];
  cursor?: string;
}

export interface SourceConnector {
  /** Reads everything, or everything changed since a cursor, a page at a time. */
  readPages(options: { since?: string; signal: AbortSignal }): AsyncIterable<SourcePage>;
  /** Reads one record's current state (after a webhook named it). */
  readOne(id: string, options: { signal: AbortSignal }): Promise<Record<string, unknown> | undefined>;
}

export interface SinkChange {
  action: 'create' | 'update' | 'deactivate';
  key: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export interface SinkConnector {
  /** The difference between the desired state and the sink's actual state, without writing. */
  plan(desired: Record<string, unknown>[], options: { signal: AbortSignal }): Promise<SinkChange[]>;
  /** Applies changes with idempotency keys; returns what was written. */
  apply(changes: SinkChange[], options: { signal: AbortSignal }): Promise<SinkChange[]>;
}

interface DefinitionBase<Config> {
  /** Lower-case, dash-separated, unique in the registry. */
  type: string;
  summary: string;
  /** JSON Schema of `config`; secrets in it must be `${secret:…}` references. */
  configSchema: JsonSchemaObject;
  /** Valid configurations; each one is checked against configSchema by the connector contract test. */
  examples: Config[];
}

export interface SourceDefinition<Config = Record<string, unknown>> extends DefinitionBase<Config> {
  kind: 'source';
  /** Fields the source knows for this config, so `validate` can point out a misspelt field name. */
  knownFields?(config: Readonly<Config>): readonly string[];
  create(config: Config, context: ConnectorContext): SourceConnector;
}

export interface SinkDefinition<Config = Record<string, unknown>> extends DefinitionBase<Config> {
  kind: 'sink';
  /** Code formats of the sink's named segments for this config, so mapping tables can be checked at load time. */
  targetFormats?(config: Config): Record<string, CodeFormat>;
  create(config: Config, context: ConnectorContext): SinkConnector;
}

export type ConnectorDefinition<Config = Record<string, unknown>> = SourceDefinition<Config> | SinkDefinition<Config>;

/** Type-checks a definition; it returns its argument, so registering is just listing. */
export function defineConnector<Config>(definition: SourceDefinition<Config>): SourceDefinition<Config>;
export function defineConnector<Config>(definition: SinkDefinition<Config>): SinkDefinition<Config>;
export function defineConnector<Config>(definition: ConnectorDefinition<Config>): ConnectorDefinition<Config> {
  return definition;
}
