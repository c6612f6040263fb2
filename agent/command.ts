// CLI commands: `ml-connector agent` runs the agent until stopped; `ml-connector agent keys` manages
// its API keys (the dispatcher matches the longer name first).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCommandArgs } from '../runtime/cli/args.ts';
import { EXIT, UsageError, type CliIo, type Command } from '../runtime/cli/command.ts';
import { untilAborted } from '../runtime/cli/process-io.ts';
import { loadingState } from '../runtime/cli/state-errors.ts';
import { createLogger } from '../runtime/lib/log.ts';
import { ApiKeyStore } from './auth/keys.ts';
import { parseVariant, type SimVariant } from './backends/sim/variant.ts';
import { ensurePrivateDir } from './data-dir.ts';
import { startAgent, type AgentOptions } from './index.ts';
import { loadProfileFile, ProfileError } from './profile/load.ts';
import { AgentStartupError } from './startup-error.ts';

const AGENT_USAGE = `Usage: ml-connector agent [options]

Runs the Sage 100 agent: HTTPS on --port, until stopped (Ctrl+C / service stop).
Prints one JSON line when listening: {"event":"listening","url":...,"fingerprint256":...}.

  --backend sim|boi     sim = simulated Sage 100 (any OS); boi = Sage 100 via COM (Windows). Default sim.
  --port N              Default 8443 (0 = any free port).
  --host ADDR           Interface to listen on. Default 127.0.0.1 (this machine only): to serve the
                        network, name this server's LAN address and allow only the runtime's
                        address through the firewall (see agent/README.md).
  --data DIR            Certificate, API keys, idempotency log, sim data (kept 0700). Default
                        $ML_CONNECTOR_AGENT_DATA, else %LOCALAPPDATA%\ml-connector\agent (Windows)
                        or $XDG_STATE_HOME/ml-connector/agent (~/.local/state/...).
  --cert FILE --key FILE   Use this certificate instead of a generated self-signed one.
  --alt-name NAME       Extra DNS name or IP for the generated certificate (repeatable).
  --client-ca FILE      Turn on mutual TLS: only client certificates signed by this CA connect.
  --max-body-bytes N    Largest request body. Default 1048576.
  --profile FILE        Site profile (sage-profile.json from 'agent selftest'): object names, columns,
                        Budget Code, message patterns. Without a verified one, headcount answers 501.
sim backend:
  --sim-licences N      Sage user licences the simulator has. Default 5.
  --sim-lock-message T  sLastErrorMsg of a locked record (the real text is unverified).
  --sim-variant LIST    Pretend to be another Sage 100: legacy-budget, no-options, plain-properties,
                        account-index, loose-byref (comma-separated).
boi backend:
  --home PATH           The MAS90\\Home folder.
  --user NAME           Sage 100 user (not Administrator). Password from SAGE100_PASSWORD.
  --company CODE        Company served (repeatable).
  --sessions N          Sage sessions (= user licences) to hold at most. Default 2.
  --headcount-account M Non-financial main account for headcount. Default 9900.
`;

const KEYS_USAGE = `Usage: ml-connector agent keys add --name NAME [--admin] [--data DIR]
       ml-connector agent keys list [--data DIR]
       ml-connector agent keys revoke ID [--data DIR]

Manages the agent's API keys (stored hashed in DIR/api-keys.json; a running agent picks up changes).
'add' prints the new key once: give it to the client and keep no other copy.
`;

/**
 * The data directory: given, or a per-user state folder outside any working copy (it holds the
 * private key and key hashes; `./agent-data` used to land inside a git checkout).
 */
export function dataDir(value: string | undefined, io: CliIo, platform = process.platform): string {
  const given = value ?? io.env.ML_CONNECTOR_AGENT_DATA;
  if (given) {
    const dir = resolve(io.cwd, given);
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--data ${dir} is a file; the agent keeps its data in a directory`);
    return dir;
  }
  if (platform === 'win32') return join(io.env.LOCALAPPDATA ?? join(io.env.USERPROFILE ?? homedir(), 'AppData', 'Local'), 'ml-connector', 'agent');
  return join(io.env.XDG_STATE_HOME ?? join(io.env.HOME ?? homedir(), '.local', 'state'), 'ml-connector', 'agent');
}

/** A whole number in [min, max], or a usage error naming the option (`abc` used to switch a limit off). */
function count(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not '${value}'`);
  return n;
}

function agentOptions(args: string[], io: CliIo): AgentOptions {
  const { values, positionals } = parseCommandArgs(args, {
    backend: { type: 'string', default: 'sim' },
    port: { type: 'string', default: '8443' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'alt-name': { type: 'string', multiple: true },
    'client-ca': { type: 'string' },
    'max-body-bytes': { type: 'string' },
    home: { type: 'string' },
    user: { type: 'string' },
    company: { type: 'string', multiple: true },
    sessions: { type: 'string' },
    'headcount-account': { type: 'string' },
    'sim-licences': { type: 'string' },
    'sim-lock-message': { type: 'string' },
    'sim-variant': { type: 'string' },
    profile: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' (the agent's subcommands are 'keys' and 'selftest')`);
  if (Boolean(values.cert) !== Boolean(values.key)) throw new UsageError('give both --cert and --key, or neither (without them the agent generates a certificate)');
  const port = count('port', values.port, 0, 65535) ?? 8443;
  const maxBodyBytes = count('max-body-bytes', values['max-body-bytes'], 1024, 64 * 1024 * 1024);
  const licences = count('sim-licences', values['sim-licences'], 0, 1000);
  const sessions = count('sessions', values.sessions, 1, 100);
  if (values.backend !== 'sim' && values.backend !== 'boi') throw new UsageError(`--backend must be sim or boi, not '${values.backend}'`);
  const options: AgentOptions = {
    backend: values.backend,
    dataDir: dataDir(values.data, io),
    port,
    host: values.host,
    ...(values.cert ? { certFile: resolve(io.cwd, values.cert) } : {}),
    ...(values.key ? { keyFile: resolve(io.cwd, values.key) } : {}),
    ...(values['alt-name'] ? { altNames: values['alt-name'] } : {}),
    ...(values['client-ca'] ? { clientCa: readFileSync(resolve(io.cwd, values['client-ca']), 'utf8') } : {}),
    ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
  };
  // A bad profile stops the agent here, before anything listens (ProfileError → exit 1).
  const loaded = values.profile ? loadProfileFile(resolve(io.cwd, values.profile)) : undefined;
  if (values.backend === 'sim') {
    options.sim = {
      ...(licences !== undefined ? { licences } : {}),
      ...(values['sim-lock-message'] ? { lockMessage: values['sim-lock-message'] } : {}),
      ...(values['sim-variant'] ? { variant: simVariant(values['sim-variant']) } : {}),
      ...(loaded ? { profile: loaded.profile, profileFile: loaded.file } : {}),
    };
  }
  if (values.backend === 'boi') {
    if (!values.home || !values.user || !values.company?.length) throw new UsageError('--backend boi needs --home, --user and at least one --company');
    const password = io.env.SAGE100_PASSWORD;
    if (!password) throw new UsageError('--backend boi reads the Sage 100 password from the SAGE100_PASSWORD environment variable');
    options.boi = {
      homePath: values.home,
      user: values.user,
      password,
      companies: values.company.map((code) => ({ code: code.toUpperCase(), name: code.toUpperCase() })),
      ...(sessions !== undefined ? { maxSessions: sessions } : {}),
      ...(values['headcount-account'] ? { headcountMainAccount: values['headcount-account'] } : {}),
      ...(loaded ? { profile: loaded.profile, profileSource: { source: 'file' as const, file: loaded.file } } : {}),
    };
  }
  return options;
}

export function simVariant(spec: string): SimVariant {
  const variant = parseVariant(spec);
  if ('unknown' in variant) throw new UsageError(`--sim-variant: unknown '${variant.unknown}' (known: ${variant.known.join(', ')})`);
  return variant;
}

export const agentCommand: Command = {
  name: 'agent',
  summary: 'Run the Sage 100 agent (HTTPS in front of Sage 100, or its simulator)',
  usage: AGENT_USAGE,
  async run(args, io) {
    let options: AgentOptions;
    try {
      options = agentOptions(args, io);
    } catch (error) {
      if (!(error instanceof ProfileError)) throw error;
      io.stderr(`ml-connector agent: ${error.message}\nThe agent did not start.\n`);
      return EXIT.invalid;
    }
    const logger = createLogger({ name: 'sage100-agent', level: io.env.LOG_LEVEL ?? 'info' });
    let agent;
    try {
      agent = await loadingState(`--data ${options.dataDir}`, () => startAgent({ ...options, logger }));
    } catch (error) {
      if (!(error instanceof AgentStartupError)) throw error;
      io.stderr(`agent: refusing to start: ${error.describe()}\n`);
      return EXIT.invalid;
    }
    const keys = agent.keys.list().filter((k) => !k.revokedAt).length;
    io.stdout(`${JSON.stringify({ event: 'listening', url: agent.url, fingerprint256: agent.fingerprint256, backend: agent.backend.kind, certificateGenerated: agent.certificateGenerated, dataDir: options.dataDir, apiKeys: keys })}\n`);
    if (options.boi && !options.boi.profile) io.stderr("no site profile (--profile): running on unverified guesses and headcount answers 501; run 'ml-connector agent selftest' first\n");
    if (keys === 0 && !options.clientCa) io.stderr(`no API keys yet: create one with 'ml-connector agent keys add --name <client> --data ${options.dataDir}'\n`);
    await untilAborted(io.stopSignal);
    await agent.close();
    return EXIT.ok;
  },
};

export const agentKeysCommand: Command = {
  name: 'agent keys',
  summary: "Add, list or revoke the Sage 100 agent's API keys",
  usage: KEYS_USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { data: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean', default: false } });
    const [action, id] = positionals;
    let store: ApiKeyStore;
    try {
      const dir = dataDir(values.data, io);
      ensurePrivateDir(dir);
      store = await loadingState(`--data ${dir}`, async () => new ApiKeyStore(dir));
    } catch (error) {
      if (!(error instanceof AgentStartupError)) throw error;
      io.stderr(`agent keys: ${error.describe()}\n`);
      return EXIT.invalid;
    }
    switch (action) {
      case 'add': {
        if (!values.name) throw new UsageError('keys add needs --name (who the key is for)');
        const { id: newId, key } = store.add(values.name, values.admin ? 'admin' : 'client');
        io.stdout(`${JSON.stringify({ id: newId, name: values.name, role: values.admin ? 'admin' : 'client', key })}\n`);
        return EXIT.ok;
      }
      case 'list':
        io.stdout(`${JSON.stringify({ keys: store.list() })}\n`);
        return EXIT.ok;
      case 'revoke':
        if (!id) throw new UsageError('keys revoke needs the key id (see keys list)');
        if (!store.revoke(id)) {
          io.stderr(`no active key with id ${id}\n`);
          return EXIT.invalid;
        }
        io.stdout(`${JSON.stringify({ revoked: id })}\n`);
        return EXIT.ok;
      default:
        throw new UsageError(`keys needs add, list or revoke${action ? `, not '${action}'` : ''}`);
    }
  },
};
