// Opens a pipeline's source connector for one-shot commands (read, ping): the pipeline is loaded and
// checked as `validate` does, secrets come from the same resolver (store, env, secrets dir) and a
// rotated credential is written back to the encrypted store, state lives in memory for the command.
import { resolve } from 'node:path';
import { createConnectorContext, memoryState } from '../connectors/context-factory.ts';
import type { SourceConnector, SourceDefinition } from '../connectors/definition.ts';
import type { ConnectorContext } from '../connectors/context.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { ioLogger } from './io-logger.ts';
import { formatDiagnosticText } from './report.ts';
import { loadPipeline, type LoadedPipeline } from '../load/load-pipeline.ts';
import { isError, type Diagnostic } from '../load/diagnostic.ts';
import { createSecretResolver } from '../secrets/resolver.ts';
import { secretLocations, type SecretLocationFlags } from '../secrets/locations.ts';
import type { CliIo } from './command.ts';

export interface OpenedSource {
  source: SourceConnector;
  pipeline: string;
  close(): Promise<void>;
}

export interface SourceParts {
  definition: SourceDefinition;
  config: Readonly<Record<string, unknown>>;
  context: ConnectorContext;
  pipeline: string;
  loaded: LoadedPipeline;
}

/**
 * The pipeline's source definition, its config and a context to create it with; or the text of the
 * problems that stop it (printed by the caller, exit 1). `tolerateMissingSecrets`: for `connect`,
 * whose whole purpose is to store a secret the pipeline names but nobody has stored yet.
 */
export async function loadSourceParts(path: string, registry: ConnectorRegistry, io: CliIo, flags: SecretLocationFlags, options: { tolerateMissingSecrets?: boolean } = {}): Promise<SourceParts | { problems: string }> {
  const secrets = createSecretResolver(secretLocations(flags, io));
  const tolerate = (d: Diagnostic): boolean => options.tolerateMissingSecrets === true && d.code === 'MLC_SECRET_MISSING';
  const loaded = await loadPipeline(resolve(io.cwd, path), { registry, cwd: io.cwd, env: io.env, secrets, offline: false, tolerate });
  const errors = loaded.diagnostics.filter((d) => isError(d) && !tolerate(d));
  if (!loaded.pipeline || errors.length > 0) return { problems: errors.map((d) => formatDiagnosticText(d)).join('') || `${path}: the pipeline could not be loaded\n` };
  const { pipeline } = loaded.pipeline;
  const definition = registry.get(pipeline.source.type);
  if (!definition || definition.kind !== 'source') return { problems: `${path}: source type '${pipeline.source.type}' is not a registered source\n` };
  const controller = new AbortController();
  io.stopSignal.addEventListener('abort', () => controller.abort(new Error('stopped')), { once: true });
  const context = createConnectorContext({
    pipeline: pipeline.name,
    connector: definition.type,
    logger: ioLogger(io, 'ml-connector', 'warn'),
    secrets: { resolve: (reference) => secrets.resolve(reference), store: (name, value) => secrets.store(name, value) },
    state: memoryState(),
    signal: controller.signal,
  });
  const config = Object.freeze(structuredClone(pipeline.source.config ?? {}));
  return { definition, config, context, pipeline: pipeline.name, loaded: loaded.pipeline };
}

/** The source, or the text of the problems that stop it (printed by the caller, exit 1). */
export async function openPipelineSource(path: string, registry: ConnectorRegistry, io: CliIo, flags: SecretLocationFlags): Promise<OpenedSource | { problems: string }> {
  const parts = await loadSourceParts(path, registry, io, flags);
  if ('problems' in parts) return parts;
  const source = await parts.definition.create(parts.config, parts.context);
  return { source, pipeline: parts.pipeline, close: async () => source.close?.() };
}
