// Loads a pipeline in named phases — parse → schema → references → expressions → mappings →
// environment — and reports every problem found, not only the first. Nothing is written anywhere.
// A pipeline that loads comes back with its schema defaults filled in and frozen.
import { dirname, relative } from 'node:path';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import type { CodeFormat } from '../connectors/definition.ts';
import type { CompiledExpression } from '../lib/jsonata.ts';
import { isError, type Diagnostic } from './diagnostic.ts';
import { checkReferences, checkResolved, envPointers, resolveEnv, type ResolvedDocument } from './environment-phase.ts';
import type { Compiled } from './expression-file.ts';
import { withDefaults } from './loaded-defaults.ts';
import { checkSourceFields, type SourceFields } from './map-step-rules.ts';
import type { MappingLoad, MappingTable } from './mapping-table.ts';
import type { Pipeline, Step } from './pipeline.types.generated.ts';
import { checkSteps } from './pipeline-steps.ts';
import { readTextFile } from './read-text.ts';
import { containsEnvReference } from './reference-syntax.ts';
import type { SecretLookup } from './references.ts';
import { checkSchema } from './schema-check.ts';
import { checkStepOrder } from './step-order.ts';
import { pipelineSchema, reportingValidator } from './schemas.ts';
import { checkTriggers, webhookPaths, type WebhookPath } from './trigger-rules.ts';
import { resolvedPolicies } from '../engine/pipeline-defaults.ts';
import { checkDriftSchedule, checkRetryPolicy } from '../policies/policy-rules.ts';
import { parseYamlFile, type YamlFile } from './yaml-file.ts';

export interface LoadOptions {
  registry: ConnectorRegistry;
  /** Base for the file names shown in messages. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  secrets: SecretLookup;
  /** Skip the environment phase (env vars and secrets need not exist where validate runs). */
  offline: boolean;
  /** Errors that still let the pipeline load (connect: the secret it is about to store is missing). */
  tolerate?: (diagnostic: Diagnostic) => boolean;
  /** Shared across the pipelines of one run, so a table used by many pipelines is read once. */
  tableCache?: Map<string, Promise<MappingLoad>>;
  /** Likewise for JSONata files. */
  expressionCache?: Map<string, Promise<Compiled>>;
}

export interface LoadedPipeline {
  file: string;
  /** As written, with every schema default filled in (connector configs, steps, triggers, policies); frozen. */
  pipeline: Readonly<Pipeline>;
  /** Mapping tables by step index. */
  tables: Map<number, MappingTable>;
  /** Compiled expressions by step index. */
  expressions: Map<number, CompiledExpression>;
}

/** What must be unique among the pipelines of one folder, with where it is written. */
export interface PipelineIdentity {
  name?: { value: string; line: number; col: number };
  webhookPaths: WebhookPath[];
  /** Absolute paths of the mapping tables its steps use. */
  tables: string[];
}

export interface LoadResult {
  pipeline?: LoadedPipeline;
  identity?: PipelineIdentity;
  diagnostics: Diagnostic[];
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function loadPipeline(path: string, options: LoadOptions): Promise<LoadResult> {
  const file = relative(options.cwd, path) || path;
  const read = await readTextFile(path, 'parse', file);
  if (!read.ok) return { diagnostics: [read.diagnostic] };
  const parsed = parseYamlFile(file, read.text);
  if (!parsed.ok) return { diagnostics: parsed.diagnostics };
  const yaml = parsed.yaml;
  const doc = yaml.value;
  if (!isObject(doc)) {
    return { diagnostics: [{ code: 'MLC_SCHEMA_INVALID', phase: 'schema', file, line: 1, col: 1, path: '', message: 'a pipeline file must be a YAML mapping (key: value pairs)' }] };
  }

  // Values built from the environment are checked once resolved (environment phase), not as written.
  // (checkSchema defers them itself; the trigger rules are told here.)
  const fromEnv = envPointers(doc);
  const structural = (value: Obj, resolved: boolean): Diagnostic[] => [
    ...schemaChecks(value, yaml, options.registry, resolved),
    ...checkTriggers(value, yaml).filter((d) => resolved || !fromEnv.has(d.path)),
    ...checkRetryPolicy(value, yaml, resolvedPolicies({} as Pipeline).retry),
    ...checkDriftSchedule(value, yaml),
  ];
  const diagnostics: Diagnostic[] = structural(doc, false);

  const resolved = options.offline ? undefined : resolveEnv(doc, options.env);
  const connectorConfig = (role: 'source' | 'sink'): unknown => usableConfig(doc, resolved, role, fromEnv);
  const fields = sourceFields(doc, connectorConfig('source'), options.registry, diagnostics);
  const steps = await checkSteps(Array.isArray(doc.steps) ? doc.steps : [], {
    yaml,
    baseDir: dirname(path),
    cwd: options.cwd,
    ...(options.offline ? {} : { env: options.env }),
    ...optionalFormats(targetFormats(doc, connectorConfig('sink'), options.registry, diagnostics)),
    fields,
    tableCache: options.tableCache ?? new Map(),
    expressionCache: options.expressionCache ?? new Map(),
  });
  const identity: PipelineIdentity = { ...(typeof doc.name === 'string' && !containsEnvReference(doc.name) ? { name: { value: doc.name, ...yaml.locate('/name') } } : {}), webhookPaths: webhookPaths(doc, yaml), tables: steps.tablePaths };
  diagnostics.push(...steps.diagnostics, ...checkSourceFields(fields, yaml, '/source/config/fields'));
  diagnostics.push(...checkStepOrder(Array.isArray(doc.steps) ? doc.steps : [], yaml));

  diagnostics.push(...(await checkReferences(doc, yaml, options, new Set(diagnostics.map((d) => d.path)))));
  if (resolved) diagnostics.push(...checkResolved(resolved, diagnostics, (value) => (isObject(value) ? structural(value, true) : [])));
  if (diagnostics.some((d) => isError(d) && !options.tolerate?.(d))) return { identity, diagnostics };
  return { pipeline: { file, pipeline: withDefaults(doc, options.registry), tables: steps.tables, expressions: steps.expressions }, identity, diagnostics };
}

/** `resolved`: env references were substituted, so strings are checked as they are rather than deferred. */
function schemaChecks(doc: Obj, yaml: YamlFile, registry: ConnectorRegistry, resolved: boolean): Diagnostic[] {
  return [
    ...checkSchema(reportingValidator(pipelineSchema), doc, yaml, { rootSchema: pipelineSchema, resolved }),
    ...checkConnector(doc, 'source', yaml, registry, resolved),
    ...checkConnector(doc, 'sink', yaml, registry, resolved),
  ];
}

function checkConnector(doc: Obj, role: 'source' | 'sink', yaml: YamlFile, registry: ConnectorRegistry, resolved: boolean): Diagnostic[] {
  const node = doc[role];
  if (!isObject(node) || typeof node.type !== 'string') return [];
  const definition = registry.get(node.type);
  const at = (pointer: string): Pick<Diagnostic, 'file' | 'line' | 'col' | 'path'> => ({ file: yaml.file, ...yaml.locate(pointer), path: pointer });
  if (!definition) {
    const suggestion = registry.suggest(node.type, role);
    return [{ code: 'MLC_CONNECTOR_UNKNOWN', phase: 'schema', ...at(`/${role}/type`), message: `unknown connector type '${node.type}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`, hint: `registered: ${registry.types().join(', ')}` }];
  }
  if (definition.kind !== role) {
    return [{ code: 'MLC_CONNECTOR_KIND', phase: 'schema', ...at(`/${role}/type`), message: `'${node.type}' is a ${definition.kind} connector and cannot be the ${role}` }];
  }
  if (!isObject(node.config)) return [];
  return checkSchema(reportingValidator(definition.configSchema), node.config, yaml, { basePointer: `/${role}/config`, rootSchema: definition.configSchema, resolved });
}

/**
 * A connector's config as the checks that ask the connector about it should see it: resolved when
 * the environment is at hand; as written when it takes nothing from the environment; otherwise
 * undefined (offline, those checks cannot be made and the environment note says so).
 */
function usableConfig(doc: Obj, resolved: ResolvedDocument | undefined, role: 'source' | 'sink', fromEnv: ReadonlySet<string>): unknown {
  const takesEnv = [...fromEnv].some((p) => p.startsWith(`/${role}/config/`));
  if (!takesEnv) return isObject(doc[role]) ? doc[role].config : undefined;
  const node = resolved && isObject(resolved.value) ? resolved.value[role] : undefined;
  return isObject(node) && [...fromEnv].every((p) => !p.startsWith(`/${role}/`) || resolved?.variables.has(p)) ? node.config : undefined;
}

/** The sink's segment formats, when its type and config are valid enough to ask. */
function targetFormats(doc: Obj, config: unknown, registry: ConnectorRegistry, diagnostics: readonly Diagnostic[]): Record<string, CodeFormat> | undefined {
  const sink = doc.sink;
  if (!isObject(sink) || typeof sink.type !== 'string' || !isObject(config) || diagnostics.some((d) => d.path.startsWith('/sink'))) return undefined;
  const definition = registry.get(sink.type);
  if (!definition || definition.kind !== 'sink' || !definition.targetFormats) return undefined;
  return definition.targetFormats(config);
}

const optionalFormats = (formats: Record<string, CodeFormat> | undefined): { formats?: Record<string, CodeFormat> } => (formats ? { formats } : {});

/** What the source reads (its config's `fields` list, by convention) and knows (its definition's knownFields). */
function sourceFields(doc: Obj, config: unknown, registry: ConnectorRegistry, diagnostics: readonly Diagnostic[]): SourceFields {
  const source = doc.source;
  if (!isObject(source) || typeof source.type !== 'string' || !isObject(config) || diagnostics.some((d) => d.path.startsWith('/source'))) return {};
  const definition = registry.get(source.type);
  if (!definition || definition.kind !== 'source') return {};
  const fields = config.fields;
  const read = Array.isArray(fields) && fields.every((f) => typeof f === 'string') ? (fields as string[]) : undefined;
  const known = definition.knownFields?.(config);
  return { ...(read ? { read } : {}), ...(known ? { known } : {}) };
}

export type { Step };
