// Loads a pipeline in named phases — parse → schema → references → expressions → mappings →
// environment — and reports every problem found, not only the first. Nothing is written anywhere.
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import type { CodeFormat } from '../connectors/definition.ts';
import { compileExpression, type CompiledExpression } from '../lib/jsonata.ts';
import { closestMatch } from '../util/did-you-mean.ts';
import { isError, type Diagnostic } from './diagnostic.ts';
import { getOrCreate } from '../util/get-or-create.ts';
import { checkMappingCodes, loadMappingTable, type MappingLoad, type MappingTable } from './mapping-table.ts';
import type { Pipeline, Step } from './pipeline.types.generated.ts';
import { compileExpressionFile, type Compiled } from './expression-file.ts';
import { readTextFile } from './read-text.ts';
import { findReferences, type SecretLookup } from './references.ts';
import { checkSchema } from './schema-check.ts';
import { pipelineSchema, reportingValidator } from './schemas.ts';
import { parseYamlFile, type YamlFile } from './yaml-file.ts';

export interface LoadOptions {
  registry: ConnectorRegistry;
  /** Base for the file names shown in messages. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  secrets: SecretLookup;
  /** Skip the environment phase (env vars and secrets need not exist where validate runs). */
  offline: boolean;
  /** Shared across the pipelines of one run, so a table used by many pipelines is read once. */
  tableCache?: Map<string, Promise<MappingLoad>>;
  /** Likewise for JSONata files. */
  expressionCache?: Map<string, Promise<Compiled>>;
}

export interface LoadedPipeline {
  file: string;
  pipeline: Pipeline;
  /** Mapping tables by step index. */
  tables: Map<number, MappingTable>;
  /** Compiled expressions by step index. */
  expressions: Map<number, CompiledExpression>;
}

export interface LoadResult {
  pipeline?: LoadedPipeline;
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

  const diagnostics: Diagnostic[] = [];
  diagnostics.push(...checkSchema(reportingValidator(pipelineSchema), doc, yaml, { rootSchema: pipelineSchema }));
  diagnostics.push(...checkConnector(doc, 'source', yaml, options.registry), ...checkConnector(doc, 'sink', yaml, options.registry));

  const baseDir = dirname(path);
  const steps = Array.isArray(doc.steps) ? doc.steps : [];
  const tables = new Map<number, MappingTable>();
  const expressions = new Map<number, CompiledExpression>();
  const sinkFormats = targetFormats(doc, options.registry, diagnostics);

  const tableCache = options.tableCache ?? new Map<string, Promise<MappingLoad>>();
  const expressionCache = options.expressionCache ?? new Map<string, Promise<Compiled>>();
  const display = (path: string): string => relative(options.cwd, path) || path;
  /** The referenced file's path, or undefined once its absence is reported. */
  const referenced = (pointer: string, name: string, what: string): string | undefined => {
    const path = resolve(baseDir, name);
    if (isFile(path)) return path;
    diagnostics.push(missingFile(yaml, pointer, name, what));
    return undefined;
  };

  for (const [index, step] of steps.entries()) {
    if (!isObject(step)) continue;
    const pointer = `/steps/${index}`;
    if (step.type === 'map' && typeof step.table === 'string') {
      const tablePath = referenced(`${pointer}/table`, step.table, 'mapping table');
      if (!tablePath) continue;
      const loaded = await getOrCreate(tableCache, tablePath, () => loadMappingTable(tablePath, display(tablePath)));
      diagnostics.push(...loaded.diagnostics);
      if (!loaded.table) continue;
      tables.set(index, loaded.table);
      if (sinkFormats) diagnostics.push(...checkMappingCodes(loaded.table, sinkFormats));
      if (step.onMissing === 'default' && loaded.table.default === undefined) {
        diagnostics.push({ code: 'MLC_SCHEMA_INVALID', phase: 'mappings', file, ...yaml.locate(`${pointer}/onMissing`), path: `${pointer}/onMissing`, message: `onMissing is 'default' but ${loaded.table.file} has no default`, hint: 'add `default:` to the table, or choose quarantine' });
      }
      continue;
    }
    let compiled: Compiled | undefined;
    if (typeof step.expression === 'string') {
      compiled = compileInline(step.expression, yaml, `${pointer}/expression`);
    } else if (typeof step.file === 'string') {
      const expressionPath = referenced(`${pointer}/file`, step.file, 'JSONata file');
      if (expressionPath) compiled = await getOrCreate(expressionCache, expressionPath, () => compileExpressionFile(expressionPath, display(expressionPath)));
    }
    if (compiled?.ok) expressions.set(index, compiled.expression);
    else if (compiled) diagnostics.push(compiled.diagnostic);
  }

  diagnostics.push(...(await checkEnvironment(doc, yaml, options, new Set(diagnostics.map((d) => d.path)))));
  if (diagnostics.some(isError)) return { diagnostics };
  return { pipeline: { file, pipeline: doc as unknown as Pipeline, tables, expressions }, diagnostics };
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function missingFile(yaml: YamlFile, pointer: string, name: string, what: string): Diagnostic {
  return { code: 'MLC_REF_MISSING_FILE', phase: 'references', file: yaml.file, ...yaml.locate(pointer), path: pointer, message: `${what} '${name}' does not exist`, hint: 'paths are relative to the pipeline file' };
}

function checkConnector(doc: Obj, role: 'source' | 'sink', yaml: YamlFile, registry: ConnectorRegistry): Diagnostic[] {
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
  return checkSchema(reportingValidator(definition.configSchema), node.config, yaml, { basePointer: `/${role}/config`, rootSchema: definition.configSchema });
}

/** The sink's segment formats, when its type and config are valid enough to ask. */
function targetFormats(doc: Obj, registry: ConnectorRegistry, diagnostics: readonly Diagnostic[]): Record<string, CodeFormat> | undefined {
  const sink = doc.sink;
  if (!isObject(sink) || typeof sink.type !== 'string' || diagnostics.some((d) => d.path.startsWith('/sink'))) return undefined;
  const definition = registry.get(sink.type);
  if (!definition || definition.kind !== 'sink' || !definition.targetFormats) return undefined;
  return definition.targetFormats(sink.config as Record<string, unknown>);
}


function compileInline(source: string, yaml: YamlFile, pointer: string): Compiled {
  const result = compileExpression(source);
  if (result.ok) return { ...result, source };
  return { ok: false, diagnostic: { code: 'MLC_JSONATA_SYNTAX', phase: 'expressions', file: yaml.file, ...yaml.locateInString(pointer, result.error.offset), path: pointer, message: `${result.error.message} (${result.error.code})` } };
}


/** `reported`: paths earlier phases already explained, so a malformed reference is not reported twice. */
async function checkEnvironment(doc: Obj, yaml: YamlFile, options: LoadOptions, reported: ReadonlySet<string>): Promise<Diagnostic[]> {
  const { references, malformed } = findReferences(doc);
  const diagnostics: Diagnostic[] = malformed.filter((m) => !reported.has(m.pointer)).map((m) => ({
    code: 'MLC_SCHEMA_INVALID',
    phase: 'environment',
    file: yaml.file,
    ...yaml.locate(m.pointer),
    path: m.pointer,
    message: `'${m.text}' is not a reference${m.suggestion ? ` (did you mean '${m.suggestion}'?)` : ''}`,
    hint: 'references are ${env:NAME} or ${secret:name}',
  }));
  if (options.offline) return diagnostics;
  const envNames = Object.keys(options.env);
  const secretsCheckable = options.secrets.configured();
  const firstSecret = references.find((r) => r.kind === 'secret');
  if (firstSecret && !secretsCheckable) {
    const count = references.filter((r) => r.kind === 'secret').length;
    diagnostics.push({
      code: 'MLC_SECRETS_UNCHECKED',
      phase: 'environment',
      severity: 'warning',
      file: yaml.file,
      ...yaml.locate(firstSecret.pointer),
      path: firstSecret.pointer,
      message: `${count} secret reference${count === 1 ? ' was' : 's were'} not checked: no secret store is configured here`,
      hint: 'set ML_CONNECTOR_SECRETS_DIR or pass --secrets-dir (or set ML_CONNECTOR_SECRET_<NAME> variables); --offline skips this phase',
    });
  }
  for (const reference of references) {
    const at = { file: yaml.file, ...yaml.locate(reference.pointer), path: reference.pointer };
    if (reference.kind === 'env' && options.env[reference.name] === undefined) {
      const suggestion = closestMatch(reference.name, envNames);
      diagnostics.push({ code: 'MLC_ENV_UNSET', phase: 'environment', ...at, message: `environment variable ${reference.name} is not set${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, hint: 'set it, or run validate with --offline where the environment is not available' });
    }
    if (reference.kind === 'secret' && secretsCheckable && !(await options.secrets.has(reference.name))) {
      diagnostics.push({ code: 'MLC_SECRET_MISSING', phase: 'environment', ...at, message: `secret '${reference.name}' is not stored`, hint: `looked in ${options.secrets.describe()}; or run validate with --offline` });
    }
  }
  return diagnostics;
}

export type { Step };
