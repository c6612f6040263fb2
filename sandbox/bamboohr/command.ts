// `ml-connector sandbox bamboohr`: starts the sandbox, prints one JSON line with its addresses and
// the seeded company's credentials, and runs until SIGINT/SIGTERM.
import { EXIT, UsageError, type Command } from '../../runtime/cli/command.ts';
import { parseCommandArgs } from '../../runtime/cli/args.ts';
import { untilAborted } from '../../runtime/cli/process-io.ts';
import { createLogger } from '../../runtime/lib/log.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadingState } from '../../runtime/cli/state-errors.ts';
import { generateSandboxCertificate } from './certificate.ts';
import { startBambooSandbox } from './server.ts';
import { SandboxStartError } from './start-error.ts';
import type { RuntimeSettings, ThrottleWindow } from './options.ts';
import type { CompanySpec } from './model.ts';
import { DEFAULT_COMPANY } from './seed.ts';
import type { RetryAfterFormat } from './time.ts';

const USAGE = `Usage: ml-connector sandbox bamboohr [--port N] [--host ADDR] [--tls] [--data FILE] [--employees N]
                                    [--company DOMAIN[:EMPLOYEES]]... [--admin-token T] [fault options]

Starts a local stand-in for BambooHR's API and prints one JSON line: base URLs, the API key and the
OAuth client id/secret/redirect URI of the seeded company "keystone". Runs until interrupted.

  --port N                    port on 127.0.0.1 (default 0: any free port)
  --data FILE                 load state from FILE if it exists; save every change to it (0600;
                              its folder must exist)
  --employees N               size of the default company (default 200)
  --company DOMAIN[:N]        serve another company too (repeatable)
  --admin-token T             require X-Sandbox-Admin-Token on /_sandbox/* (required off loopback)
  --tls                       serve HTTPS with a fresh self-signed certificate (printed in the JSON line
                              as tls.certificate and tls.fingerprint256, for clients to pin)
  --cert FILE --key FILE      serve HTTPS with this certificate and key (PEM)
Faults and variants (all switchable later through PATCH /_sandbox/faults):
  --latency-ms N              added to every API answer
  --error-rate P              seeded share (0..1) of API requests answered 500/502
  --drop-connection-rate P    seeded share of API requests whose connection is closed unanswered
  --throttle STATUS:SECONDS[:FORMAT]
                              throttle window from start; STATUS 429|503, FORMAT seconds|imf-fixdate|rfc850|asctime
  --slow-body-ms N            spread each API response body over N ms
  --token-ttl-seconds N       access-token lifetime (default 3600)
  --no-refresh-rotation       refresh returns the same refresh token and it stays valid
  --consent auto|page         redirect at once (default) or show an Allow/Deny page
  --webhook-drop-rate P | --webhook-duplicate-rate P | --webhook-delay-ms N
  --webhook-time-scale F      multiplies the 5/10/20/40/80-minute retry schedule (default 0.001)
  --webhook-value-style flat|value
  --employee-list-cursor string|integer
                              GET /api/v1/employees cursors: string (default; limit 50, max 100)
                              or integer (limit 250, max 2500)
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  employees: { type: 'string' },
  company: { type: 'string', multiple: true },
  'admin-token': { type: 'string' },
  tls: { type: 'boolean' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'latency-ms': { type: 'string' },
  'error-rate': { type: 'string' },
  'drop-connection-rate': { type: 'string' },
  throttle: { type: 'string' },
  'slow-body-ms': { type: 'string' },
  'token-ttl-seconds': { type: 'string' },
  'no-refresh-rotation': { type: 'boolean' },
  consent: { type: 'string' },
  'webhook-drop-rate': { type: 'string' },
  'webhook-duplicate-rate': { type: 'string' },
  'webhook-delay-ms': { type: 'string' },
  'webhook-time-scale': { type: 'string' },
  'webhook-value-style': { type: 'string' },
  'employee-list-cursor': { type: 'string' },
} as const;

function num(name: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new UsageError(`--${name} must be a number between 0 and ${max}, got '${value}'`);
  return n;
}

function throttleArg(value: string | undefined): ThrottleWindow | null {
  if (value === undefined) return null;
  const [status, seconds, format = 'seconds'] = value.split(':');
  const s = Number(seconds);
  if ((status !== '429' && status !== '503') || !(s > 0) || !['seconds', 'imf-fixdate', 'rfc850', 'asctime'].includes(format)) {
    throw new UsageError(`--throttle must look like 429:30 or 503:10:imf-fixdate, got '${value}'`);
  }
  return { status: Number(status) as 429 | 503, untilMs: Date.now() + s * 1000, retryAfterFormat: format as RetryAfterFormat };
}

async function tlsArg(generate: boolean, certFile: string | undefined, keyFile: string | undefined): Promise<{ cert: string; key: string } | undefined> {
  if (certFile || keyFile) {
    if (!certFile || !keyFile) throw new UsageError('give both --cert and --key, or neither');
    try {
      return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
    } catch (error) {
      throw new UsageError(`cannot read the certificate or key: ${(error as Error).message}`);
    }
  }
  return generate ? generateSandboxCertificate() : undefined;
}

/** The state file must be a file: a directory there would fail only when the sandbox reads it. */
function dataFileArg(value: string | undefined, cwd: string): string | undefined {
  if (value === undefined) return undefined;
  const file = resolve(cwd, value);
  if (existsSync(file) && !statSync(file).isFile()) throw new UsageError(`--data ${value} is a directory; it names the file the sandbox keeps its state in`);
  return file;
}

/** A refusal to start (admin API open to the network, missing --data folder) is a usage error. */
async function start<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SandboxStartError) throw new UsageError(error.message);
    throw error;
  }
}

export const bamboohrSandboxCommand: Command = {
  name: 'sandbox bamboohr',
  summary: 'Run a local BambooHR stand-in (OAuth, employees, reports, webhooks, faults)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const port = num('port', values.port, 65535);
    const companies: CompanySpec[] = [{ ...DEFAULT_COMPANY, employees: num('employees', values.employees, 1_000_000) ?? DEFAULT_COMPANY.employees }];
    for (const spec of values.company ?? []) {
      const [domain = '', size] = spec.split(':');
      if (!/^[a-z0-9][a-z0-9-]*$/.test(domain)) throw new UsageError(`--company must be a lower-case subdomain, got '${spec}'`);
      companies.push({ domain, ...(size ? { employees: num('company', size, 1_000_000)! } : {}) });
    }
    const style = values['webhook-value-style'];
    if (style !== undefined && style !== 'flat' && style !== 'value') throw new UsageError(`--webhook-value-style must be flat or value`);
    const settings: Partial<RuntimeSettings> = {};
    const set = <K extends keyof RuntimeSettings>(key: K, value: RuntimeSettings[K] | undefined): void => {
      if (value !== undefined) settings[key] = value;
    };
    set('latencyMs', num('latency-ms', values['latency-ms']));
    set('errorRate', num('error-rate', values['error-rate'], 1));
    set('dropConnectionRate', num('drop-connection-rate', values['drop-connection-rate'], 1));
    set('slowBodyMs', num('slow-body-ms', values['slow-body-ms']));
    set('tokenTtlSeconds', num('token-ttl-seconds', values['token-ttl-seconds']));
    set('webhookDropRate', num('webhook-drop-rate', values['webhook-drop-rate'], 1));
    set('webhookDuplicateRate', num('webhook-duplicate-rate', values['webhook-duplicate-rate'], 1));
    set('webhookDelayMs', num('webhook-delay-ms', values['webhook-delay-ms']));
    set('webhookTimeScale', num('webhook-time-scale', values['webhook-time-scale']));
    set('webhookValueStyle', style);
    const cursor = values['employee-list-cursor'];
    if (cursor !== undefined && cursor !== 'string' && cursor !== 'integer') throw new UsageError('--employee-list-cursor must be string or integer');
    set('employeeListCursor', cursor);
    if (values['no-refresh-rotation']) settings.refreshRotation = false;
    if (values.consent !== undefined) {
      if (values.consent !== 'auto' && values.consent !== 'page') throw new UsageError('--consent must be auto or page');
      settings.consent = values.consent;
    }
    const throttle = throttleArg(values.throttle);
    if (throttle) settings.throttle = throttle;
    const tls = await tlsArg(values.tls === true, values.cert, values.key);
    const dataFile = dataFileArg(values.data, io.cwd);
    const sandbox = await loadingState(`--data ${values.data}`, () => start(() => startBambooSandbox({
      ...(tls ? { tls } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(values.host ? { host: values.host } : {}),
      ...(dataFile ? { dataFile } : {}),
      ...(values['admin-token'] ? { adminToken: values['admin-token'] } : {}),
      companies,
      settings,
      logger: createLogger({ name: 'bamboohr-sandbox' }),
    })));
    io.stdout(`${JSON.stringify(sandbox.startupInfo())}\n`);
    await untilAborted(io.stopSignal);
    await sandbox.close();
    return EXIT.ok;
  },
};
