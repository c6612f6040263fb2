// From a pipeline file to what a batch runs with: loaded and checked (every problem reported, as
// `validate` does), compiled into steps, and its source and sink created with their contexts. The
// store is handed in: which store is used is deployment configuration, never the pipeline's.
import { resolve } from 'node:path';
import { createConnectorContext } from '../connectors/context-factory.ts';
import type { SinkConnector, SourceConnector } from '../connectors/definition.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { MlcError } from '../errors.ts';
import type { Logger } from '../lib/log.ts';
import { loadPipeline } from '../load/load-pipeline.ts';
import type { Diagnostic } from '../load/diagnostic.ts';
import type { SecretResolver } from '../secrets/resolver.ts';
import type { BatchEvaluator } from '../steps/step.ts';
import type { Store } from '../store/store.ts';
import { compilePipeline, type CompiledPipeline } from './compile.ts';

export interface OpenPipelineOptions {
  registry: ConnectorRegistry;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Resolves references for connectors and tells the loader which secrets exist. */
  secrets: SecretResolver;
  store: Store;
  logger: Logger;
  evaluator: BatchEvaluator;
  runId: string;
  signal: AbortSignal;
}

export interface OpenedPipeline {
  compiled: CompiledPipeline;
  source: SourceConnector;
  sink: SinkConnector;
  close(): Promise<void>;
}

export class PipelineLoadError extends Error {
  override readonly name = 'PipelineLoadError';
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`the pipeline does not load (${diagnostics.length} problem(s))`);
  }
}

/** Loads and compiles only (plan from a snapshot needs no connectors). */
export async function compileFromFile(file: string, options: Pick<OpenPipelineOptions, 'registry' | 'cwd' | 'env' | 'secrets' | 'evaluator'>, offline = false): Promise<CompiledPipeline> {
  const path = resolve(options.cwd, file);
  const loaded = await loadPipeline(path, { registry: options.registry, cwd: options.cwd, env: options.env, secrets: options.secrets, offline });
  if (!loaded.pipeline) throw new PipelineLoadError(loaded.diagnostics.filter((d) => d.severity !== 'warning'));
  return compilePipeline(loaded.pipeline, path, options.registry, options.evaluator);
}

export async function openPipeline(file: string, options: OpenPipelineOptions): Promise<OpenedPipeline> {
  const compiled = await compileFromFile(file, options);
  const context = (role: 'source' | 'sink') =>
    createConnectorContext({
      pipeline: compiled.name,
      connector: compiled[role].type,
      runId: options.runId,
      logger: options.logger,
      secrets: options.secrets,
      state: {
        get: (key) => options.store.state.get(`${compiled.name}/${role}`, key),
        set: (key, value) => options.store.state.set(`${compiled.name}/${role}`, key, value),
      },
      signal: options.signal,
    });
  const create = async <K extends 'source' | 'sink'>(role: K) => {
    const definition = options.registry.get(compiled[role].type);
    if (definition?.kind !== role) throw new MlcError('MLC_CONNECTOR_KIND', `'${compiled[role].type}' is not a registered ${role}`);
    // Connectors get their config frozen: configuration is read, never changed, once loaded.
    return definition.create(Object.freeze(structuredClone(compiled[role].config)), context(role));
  };
  const source = (await create('source')) as SourceConnector;
  let sink: SinkConnector;
  try {
    sink = (await create('sink')) as SinkConnector;
  } catch (error) {
    await source.close?.();
    throw error;
  }
  return {
    compiled,
    source,
    sink,
    async close() {
      await Promise.allSettled([source.close?.(), sink.close?.()]);
    },
  };
}
