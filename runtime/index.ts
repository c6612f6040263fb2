// The one door: connectors import only this module (test/architecture/rules.test.ts enforces it), so
// the runtime can change everything behind it without touching a connector.
import { readFileSync } from 'node:fs';
import type { JsonSchemaObject } from './connectors/definition.ts';

export { defineConnector } from './connectors/definition.ts';
export type { AnyConnectorDefinition } from './connectors/registry.ts';
export type {
  ActualItem,
  ApplyOptions,
  AuthorizationRequest,
  Change,
  ChangeAction,
  ChangeResult,
  CheckResult,
  Checkpoint,
  CodeFormat,
  ConnectorDefinition,
  ConnectorKind,
  DesiredItem,
  DriftFinding,
  DriftPolicy,
  EntitySpec,
  Json,
  JsonObject,
  JsonSchemaObject,
  ReadOptions,
  SinkConnector,
  SinkDefinition,
  SourceConnector,
  SourceDefinition,
  SourcePage,
  SourceRecord,
  WebhookAdapter,
  WebhookDelivery,
  WebhookVerdict,
} from './connectors/definition.ts';
export type {
  Classification,
  ConnectorContext,
  ConnectorHttp,
  ConnectorLogger,
  ConnectorSecrets,
  ConnectorState,
  HttpClient,
  HttpClientOptions,
  HttpRequest,
  HttpResponse,
  RetryOptions,
  TlsOptions,
} from './connectors/context.ts';
export { ConnectorRuntimeError, MlcError, isMlcError, type ErrorClass, type ErrorCode } from './errors.ts';
export { errorDetail } from './connectors/http.ts';
export { parseRetryAfterMs } from './policies/retry.ts';
export { inFlight } from './util/in-flight.ts';

/** Reads a connector's JSON Schema file (its config.schema.json, beside its index.ts). */
export function readSchemaFile(url: URL): JsonSchemaObject {
  return JSON.parse(readFileSync(url, 'utf8')) as JsonSchemaObject;
}
