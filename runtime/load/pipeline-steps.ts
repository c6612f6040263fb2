// The references, expressions and mappings phases, step by step: the files steps name exist, their
// expressions compile and call only functions that exist, their tables fit the sink and the step.
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { CodeFormat } from '../connectors/definition.ts';
import type { CompiledExpression } from '../lib/jsonata.ts';
import { compileExpression } from '../lib/jsonata.ts';
import { getOrCreate } from '../util/get-or-create.ts';
import type { Diagnostic } from './diagnostic.ts';
import { compileExpressionFile, type Compiled } from './expression-file.ts';
import { checkFunctionCalls } from './expression-functions.ts';
import { checkMapStep, type SourceFields } from './map-step-rules.ts';
import { checkMappingCodes, loadMappingTable, type MappingLoad, type MappingTable } from './mapping-table.ts';
import { containsEnvReference, substituteEnv } from './reference-syntax.ts';
import type { YamlFile } from './yaml-file.ts';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface StepContext {
  yaml: YamlFile;
  baseDir: string;
  cwd: string;
  /** For `${env:…}` in file names; absent offline, when such files are not read. */
  env?: NodeJS.ProcessEnv;
  /** The sink's segment formats, when known. */
  formats?: Record<string, CodeFormat>;
  fields: SourceFields;
  tableCache: Map<string, Promise<MappingLoad>>;
  expressionCache: Map<string, Promise<Compiled>>;
}

export interface StepsResult {
  tables: Map<number, MappingTable>;
  expressions: Map<number, CompiledExpression>;
  /** Absolute paths of the mapping tables the steps use (found or not loadable). */
  tablePaths: string[];
  diagnostics: Diagnostic[];
}

export async function checkSteps(steps: readonly unknown[], context: StepContext): Promise<StepsResult> {
  const { yaml } = context;
  const diagnostics: Diagnostic[] = [];
  const tables = new Map<number, MappingTable>();
  const expressions = new Map<number, CompiledExpression>();
  const tablePaths: string[] = [];
  const display = (path: string): string => relative(context.cwd, path) || path;
  /** The referenced file's path; undefined once its absence is reported, or when it comes from an environment not available. */
  const referenced = (pointer: string, written: string, what: string): string | undefined => {
    let name = written;
    if (containsEnvReference(written)) {
      if (!context.env) return undefined;
      const substituted = substituteEnv(written, context.env);
      if (substituted.unset.length > 0) return undefined; // the environment phase names the variable
      name = substituted.value;
    }
    const path = resolve(context.baseDir, name);
    if (existsSync(path) && statSync(path).isFile()) return path;
    const shown = name === written ? `'${name}'` : `'${name}' (from '${written}')`;
    diagnostics.push({ code: 'MLC_REF_MISSING_FILE', phase: 'references', file: yaml.file, ...yaml.locate(pointer), path: pointer, message: `${what} ${shown} does not exist`, hint: 'paths are relative to the pipeline file' });
    return undefined;
  };

  for (const [index, step] of steps.entries()) {
    if (!isObject(step)) continue;
    const pointer = `/steps/${index}`;
    if (step.type === 'map' && typeof step.table === 'string') {
      const tablePath = referenced(`${pointer}/table`, step.table, 'mapping table');
      if (!tablePath) continue;
      tablePaths.push(tablePath);
      const loaded = await getOrCreate(context.tableCache, tablePath, () => loadMappingTable(tablePath, display(tablePath)));
      diagnostics.push(...loaded.diagnostics);
      const table = loaded.table;
      if (!table) continue;
      tables.set(index, table);
      if (context.formats) diagnostics.push(...checkMappingCodes(table, context.formats));
      if (step.onMissing === 'default' && table.default === undefined) {
        diagnostics.push({ code: 'MLC_SCHEMA_INVALID', phase: 'mappings', file: yaml.file, ...yaml.locate(`${pointer}/onMissing`), path: `${pointer}/onMissing`, message: `onMissing is 'default' but ${table.file} has no default`, hint: 'add `default:` to the table, or choose quarantine' });
      }
      if (typeof step.from === 'string' && typeof step.to === 'string') {
        const segmentLine = table.yaml.locate('/target/segment').line;
        diagnostics.push(...checkMapStep({ pointer, from: step.from, to: step.to, table: { segment: table.segment, file: table.file, line: segmentLine } }, yaml, context.formats, context.fields));
      }
      continue;
    }
    let compiled: Compiled | undefined;
    if (typeof step.expression === 'string') {
      compiled = compileInline(step.expression, yaml, `${pointer}/expression`);
    } else if (typeof step.file === 'string') {
      const expressionPath = referenced(`${pointer}/file`, step.file, 'JSONata file');
      if (expressionPath) compiled = await getOrCreate(context.expressionCache, expressionPath, () => compileExpressionFile(expressionPath, display(expressionPath)));
    }
    if (compiled?.ok) {
      expressions.set(index, compiled.expression);
      diagnostics.push(...compiled.problems);
    } else if (compiled) diagnostics.push(compiled.diagnostic);
  }
  return { tables, expressions, tablePaths, diagnostics };
}

function compileInline(source: string, yaml: YamlFile, pointer: string): Compiled {
  const result = compileExpression(source);
  if (result.ok) return { ...result, source, problems: checkFunctionCalls(result.expression, { file: yaml.file, path: pointer, locate: (offset) => yaml.locateInString(pointer, offset) }) };
  return { ok: false, diagnostic: { code: 'MLC_JSONATA_SYNTAX', phase: 'expressions', file: yaml.file, ...yaml.locateInString(pointer, result.error.offset), path: pointer, message: `${result.error.message} (${result.error.code})` } };
}
