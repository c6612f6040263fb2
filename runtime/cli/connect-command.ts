// `ml-connector connect NAME PIPELINE`: a person consents once in a browser and the pipeline's source
// keeps the resulting grant in the secret store (for an OAuth source: the refresh token, under the name
// its `refreshToken` reference gives). `runConnect` is the same flow for programs (the demo follows
// the consent URL itself, where the sandbox consents at once).
import { createInterface } from 'node:readline/promises';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { authorizeOnLoopback, listenerFor, type AuthorizationOutcome } from '../connectors/loopback-authorization.ts';
import { authorizeByPastedAnswer } from '../connectors/pasted-authorization.ts';
import { MlcError } from '../errors.ts';
import { SECRET_LOCATION_OPTIONS, type SecretLocationFlags } from '../secrets/locations.ts';
import { parseCommandArgs } from './args.ts';
import { EXIT, UsageError, type CliIo, type Command } from './command.ts';
import { loadSourceParts } from './open-source.ts';
import { canOpenBrowser, openBrowser } from './open-browser.ts';

const USAGE = `Usage: ml-connector connect NAME PIPELINE.yaml [options]

Connects a pipeline's source by a person's consent (OAuth 2.0 authorization code): prints the consent
address (and opens it where a browser exists), waits for the answer on the pipeline's loopback redirect
URI, exchanges it and stores the grant in the secret store under the name the pipeline's reference
gives (e.g. \${secret:hr-refresh-token}). NAME is the source's type, with or without its
'-source' suffix (a source of type acme-source is connected with 'connect acme'). A one-time state of 256 random bits guards the answer and expires.
When the redirect URI is https (some vendors refuse plain http), nothing can listen on it: paste the
address the browser stopped on when asked.

Options:
  --no-browser         print the address only
  --timeout SECONDS    how long the consent may take (default 600)
  --data DIR, --secrets-dir DIR, --key-file FILE   where the grant is stored

Exit codes: 0 connected, 1 refused / expired / no answer / invalid pipeline (nothing stored), 2 usage.
`;

export interface ConnectOptions {
  name: string;
  pipelinePath: string;
  registry: ConnectorRegistry;
  io: CliIo;
  flags: SecretLocationFlags;
  /** Receives the consent address. */
  openUrl(url: string): void | Promise<void>;
  /** For https redirect URIs: the address the browser stopped on. */
  readAnswer?(): Promise<string>;
  timeoutMs?: number;
}

export type ConnectResult = (AuthorizationOutcome & { pipeline: string; source: string }) | { problems: string };

const matches = (name: string, type: string): boolean => name === type || `${name}-source` === type;

export async function runConnect(options: ConnectOptions): Promise<ConnectResult> {
  const parts = await loadSourceParts(options.pipelinePath, options.registry, options.io, options.flags, { tolerateMissingSecrets: true });
  if ('problems' in parts) return parts;
  if (!matches(options.name, parts.definition.type)) {
    throw new UsageError(`this pipeline's source is '${parts.definition.type}', not '${options.name}' (try: connect ${parts.definition.type.replace(/-source$/, '')} ${options.pipelinePath})`);
  }
  if (!parts.definition.authorize) throw new MlcError('MLC_AUTHORIZATION_FAILED', `the source '${parts.definition.type}' is not connected by consent; its credentials are stored with 'ml-connector secrets set'`);
  const request = await parts.definition.authorize(parts.config, parts.context);
  const common = { openUrl: options.openUrl, signal: options.io.stopSignal, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
  let loopback = true;
  try {
    listenerFor(request.redirectUri);
  } catch (error) {
    if (!request.redirectUri.startsWith('https://') || !options.readAnswer) throw error;
    loopback = false;
  }
  const outcome = loopback ? await authorizeOnLoopback(request, common) : await authorizeByPastedAnswer(request, { ...common, readAnswer: options.readAnswer as () => Promise<string> });
  return { ...outcome, pipeline: parts.pipeline, source: parts.definition.type };
}

async function readLine(io: CliIo): Promise<string> {
  if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question('Paste the address your browser stopped on: ');
    } finally {
      rl.close();
    }
  }
  const text = (await io.readStdin?.()) ?? '';
  return text.split('\n').find((line) => line.trim() !== '') ?? '';
}

export function connectCommand(registry: ConnectorRegistry): Command {
  return {
    name: 'connect',
    summary: "connect a pipeline's source by a person's consent in a browser (OAuth)",
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { 'no-browser': { type: 'boolean' }, timeout: { type: 'string' }, ...SECRET_LOCATION_OPTIONS });
      if (positionals.length !== 2) throw new UsageError('connect takes a source name and one pipeline file, e.g. connect NAME pipelines/acme.yaml');
      const timeoutSeconds = values.timeout === undefined ? 600 : Number(values.timeout);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 86_400) throw new UsageError(`--timeout must be whole seconds between 1 and 86400, not '${values.timeout}'`);
      const browser = !values['no-browser'] && canOpenBrowser(io.env);
      const result = await runConnect({
        name: positionals[0] as string,
        pipelinePath: positionals[1] as string,
        registry,
        io,
        flags: values,
        timeoutMs: timeoutSeconds * 1000,
        openUrl(url) {
          io.stderr(`Open this address in a browser and allow access (waiting up to ${timeoutSeconds} s):\n\n  ${url}\n\n`);
          if (browser) openBrowser(url);
        },
        readAnswer: () => readLine(io),
      });
      if ('problems' in result) {
        io.stderr(result.problems);
        return EXIT.invalid;
      }
      const facts = Object.entries(result.facts ?? {}).map(([k, v]) => `  ${k}: ${String(v)}\n`).join('');
      io.stdout(`connected ${result.source} for pipeline '${result.pipeline}': the grant is stored as secret '${result.stored}'\n${facts}`);
      return EXIT.ok;
    },
  };
}
