// `ml-connector ping PIPELINE`: loads one pipeline, creates its source and sink with the real secrets
// and asks each to check itself (connector.check): what was reached, with the facts worth printing
// (version, company, certificate fingerprint…), or the one reason it could not be.
import { resolve } from 'node:path';
import type { CheckResult, SinkConnector, SourceConnector } from '../connectors/definition.ts';
import { createConnectorContext, memoryState } from '../connectors/context-factory.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { isMlcError } from '../errors.ts';
import { loadPipeline } from '../load/load-pipeline.ts';
import { isError } from '../load/diagnostic.ts';
import { createLogger } from '../lib/log.ts';
import { createSecretResolver } from '../secrets/resolver.ts';
import { SECRET_LOCATION_OPTIONS, secretLocations } from '../secrets/locations.ts';
import { parseCommandArgs } from './args.ts';
import { EXIT, UsageError, type CliIo, type Command } from './command.ts';
import { formatDiagnosticText } from './report.ts';

const USAGE = `Usage: ml-connector ping PIPELINE.yaml [options]

Checks that the pipeline's source and sink can be reached with its configuration and secrets, without
reading or writing data: each connector names what it reached (version, company, account, the TLS
certificate fingerprint it saw) or the one reason it could not (unreachable, certificate mismatch with
both fingerprints, key refused, unknown company, …).

Options:
  --format text|json   (default text)
  --data DIR           data directory holding the secret store (default $ML_CONNECTOR_DATA, else ./.ml-connector)
  --secrets-dir DIR    a directory of secret files (default $ML_CONNECTOR_SECRETS_DIR)
  --key-file FILE      the secret store's master key file

Exit codes: 0 both reached, 1 a connector could not be reached or the pipeline is invalid, 2 usage.
`;

export interface PingResult extends CheckResult {
  role: 'source' | 'sink';
  type: string;
}

async function pingOne(role: 'source' | 'sink', type: string, config: Readonly<Record<string, unknown>>, registry: ConnectorRegistry, parts: { io: CliIo; pipeline: string; secrets: ReturnType<typeof createSecretResolver> }): Promise<PingResult> {
  const definition = registry.get(type);
  if (!definition) return { role, type, ok: false, detail: `no connector of type '${type}' is registered` };
  const context = createConnectorContext({
    pipeline: parts.pipeline,
    connector: role,
    logger: createLogger({ name: 'ping', level: 'warn' }),
    secrets: { resolve: (reference) => parts.secrets.resolve(reference), store: (name, value) => parts.secrets.store(name, value) },
    state: memoryState(),
    signal: parts.io.stopSignal,
  });
  let connector: SourceConnector | SinkConnector | undefined;
  try {
    connector = await definition.create(config, context);
    if (!connector.check) return { role, type, ok: true, detail: 'created (this connector has no check)' };
    return { role, type, ...(await connector.check({ signal: parts.io.stopSignal })) };
  } catch (error) {
    if (!isMlcError(error)) throw error;
    return { role, type, ok: false, detail: error.message, facts: { code: error.code } };
  } finally {
    await connector?.close?.();
  }
}

function renderText(results: readonly PingResult[]): string {
  return results
    .map((r) => {
      const facts = Object.entries(r.facts ?? {}).map(([k, v]) => `    ${k}: ${String(v)}\n`);
      return `${r.ok ? 'ok  ' : 'FAIL'} ${r.role} ${r.type}: ${r.detail}\n${facts.join('')}`;
    })
    .join('');
}

export function pingCommand(registry: ConnectorRegistry): Command {
  return {
    name: 'ping',
    summary: "Check that a pipeline's source and sink can be reached (versions, accounts, certificates)",
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { format: { type: 'string' }, ...SECRET_LOCATION_OPTIONS });
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
      if (positionals.length !== 1) throw new UsageError('give exactly one pipeline file');
      const secrets = createSecretResolver(secretLocations(values, io));
      const loaded = await loadPipeline(resolve(io.cwd, positionals[0] as string), { registry, cwd: io.cwd, env: io.env, secrets, offline: false });
      const errors = loaded.diagnostics.filter(isError);
      if (!loaded.pipeline || errors.length > 0) {
        for (const d of errors) io.stderr(formatDiagnosticText(d));
        return EXIT.invalid;
      }
      const { pipeline } = loaded.pipeline;
      const parts = { io, pipeline: pipeline.name, secrets };
      const results = [
        await pingOne('source', pipeline.source.type, pipeline.source.config, registry, parts),
        await pingOne('sink', pipeline.sink.type, pipeline.sink.config, registry, parts),
      ];
      io.stdout(format === 'json' ? `${JSON.stringify({ ok: results.every((r) => r.ok), results })}\n` : renderText(results));
      return results.every((r) => r.ok) ? EXIT.ok : EXIT.invalid;
    },
  };
}
