// The sink the runtime drives: actual state, per-change writes, drift reads and the check behind
// `ml-connector ping`. Built on the context's HTTP client with the agent's certificate trusted by CA
// and/or SHA-256 pin (verification on), an API key or a client certificate, and a keep-alive shorter
// than the agent's 5 s so a request never lands on a socket the agent is closing.
import { ConnectorRuntimeError, inFlight, type CheckResult, type ConnectorContext, type SinkConnector, type TlsOptions } from '../../runtime/index.ts';
import { createActualReader } from './actual.ts';
import { createApplier } from './apply.ts';
import { createAgentClient, type AgentClient } from './client.ts';
import { AccountFormat } from './codes.ts';
import type { Sage100AgentSinkConfig } from './config.ts';
import { readDrift, SeenSubAccounts, structureFindings } from './drift.ts';
import { sinkEntities } from './entities.ts';

const AGENT_KEEP_ALIVE_MS = 5_000;
/** Writes of one apply call in flight at once. */
export const APPLY_CONCURRENCY = 4;
const LABEL = 'the Sage 100 agent';
/** A full page of 5,000 accounts is about 1.5 MB; anything near 8 MiB is not the agent we know. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export async function createSage100Sink(config: Readonly<Sage100AgentSinkConfig>, context: ConnectorContext): Promise<SinkConnector> {
  const tls: TlsOptions = {};
  if (config.tls.ca) tls.ca = await context.secrets.resolve(config.tls.ca);
  if (config.tls.fingerprint256) tls.fingerprint256 = config.tls.fingerprint256;
  if ('mtls' in config.auth) {
    tls.cert = await context.secrets.resolve(config.auth.mtls.cert);
    tls.key = await context.secrets.resolve(config.auth.mtls.key);
  }
  const apiKeyRef = 'apiKey' in config.auth ? config.auth.apiKey : undefined;
  const http = context.http.client({
    tls,
    label: LABEL,
    timeoutMs: config.timeoutMs ?? 30_000,
    keepAliveTimeoutMs: AGENT_KEEP_ALIVE_MS - 1_000,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    retry: { maxAttempts: config.writeAttempts ?? 4, maxRetryAfterMs: 30_000 },
  });
  const client = createAgentClient(http, {
    baseUrl: config.url.replace(/\/+$/, ''),
    company: config.company,
    ...(apiKeyRef ? { apiKey: () => context.secrets.resolve(apiKeyRef) } : {}),
    pageSize: config.pageSize ?? 5000,
    clock: () => context.clock(),
  });
  const format = new AccountFormat(config);
  const entities = sinkEntities(config);
  const compared = (entity: string): readonly string[] => entities.find((e) => e.name === entity)?.compared ?? [];
  const reader = createActualReader(client, format, () => context.clock(), config.mainAccounts);
  const applier = createApplier(client, format, compared);
  const seen = new SeenSubAccounts(context.state);
  const log = context.logger.child({ sink: 'sage100-agent' });

  return {
    readActual: (entity, keys, options) => reader.read(entity, keys, options.signal),

    // Every update carries If-Match (the agent refuses one without it), and a refusal is re-read here.
    conditionalWrites: true,

    async apply(changes, options) {
      // The runtime hands over one apply-order level at a time (different items), so their writes may
      // overlap: a few in flight save network round trips to a remote agent. The agent on Windows still
      // runs one Sage call at a time (its COM objects are single-threaded), so more would only queue there.
      const results = await inFlight(changes, APPLY_CONCURRENCY, (change) => applier.apply(change, options), options.signal);
      for (const result of results) {
        const change = result.change;
        if (result.status === 'applied' && change.entity === 'subAccount') {
          const values = { ...change.before, ...change.after };
          await seen.record(change.key, { description: String(values.description ?? ''), status: change.action === 'deactivate' || values.active === false ? 'inactive' : 'active' });
        }
        if (result.status === 'failed') log.warn({ entity: change.entity, key: change.key, code: result.error.code, errorClass: result.error.errorClass }, result.error.message);
      }
      return results;
    },

    drift: (options) => readDrift(client, format, seen, options.signal),

    check: (options) => check(client, config, format, options.signal),

    close: () => client.close(),
  };
}

/** `ping`: agent version, company, account format and the certificate seen, or the one reason why not. */
async function check(client: AgentClient, config: Readonly<Sage100AgentSinkConfig>, format: AccountFormat, signal: AbortSignal): Promise<CheckResult> {
  const facts: Record<string, string | number | boolean> = {};
  try {
    const health = await client.health(signal);
    facts.agentVersion = health.version;
    facts.backend = health.backend;
    const fingerprint = client.lastPeerFingerprint();
    if (fingerprint) facts.certificateSha256 = fingerprint;
    const companies = await client.companies(signal);
    const company = companies.find((c) => c.code === config.company);
    if (!company) {
      return { ok: false, detail: `unknown company: the agent does not serve '${config.company}' (it serves ${companies.map((c) => c.code).join(', ') || 'none'})`, facts };
    }
    facts.company = `${company.code} ${company.name}`;
    const structure = await client.structure(signal);
    facts.accountFormat = structure.mask;
    const mismatch = structureFindings(format, structure);
    if (mismatch.length > 0) return { ok: false, detail: `account format differs: ${mismatch.map((f) => f.detail).join('; ')}`, facts };
    return { ok: true, detail: `reached Sage 100 agent ${health.version} at ${config.url}: company ${facts.company}, account format ${structure.mask}`, facts };
  } catch (error) {
    if (signal.aborted || !(error instanceof ConnectorRuntimeError)) throw error;
    const fingerprint = client.lastPeerFingerprint();
    if (fingerprint) facts.certificateSha256 = fingerprint;
    return { ok: false, detail: `${reasonOf(error)}: ${error.message}`, facts: { ...facts, code: error.code } };
  }
}

function reasonOf(error: ConnectorRuntimeError): string {
  switch (error.code) {
    case 'MLC_TLS_UNTRUSTED':
      return 'certificate mismatch';
    case 'MLC_REMOTE_AUTH':
      return 'key refused';
    case 'MLC_REMOTE_UNKNOWN_SCOPE':
      return 'unknown company';
    case 'MLC_REMOTE_UNAVAILABLE':
      return 'unreachable';
    default:
      return 'refused';
  }
}
