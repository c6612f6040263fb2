// Shared by the agent's tests: start a sim agent over real HTTPS on 127.0.0.1 in a temp dir, and a
// client that pins its certificate and checks every response against openapi.yaml.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatcher, httpRequest, type HttpDispatcher, type HttpResponse } from '../runtime/lib/http-client.ts';
import { loadContract } from './contract.ts';
import { ERRORS, type ErrorCode } from './errors.ts';
import { startAgent, type AgentOptions, type RunningAgent } from './index.ts';

export function tempDir(prefix = 'agent-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

interface ResponseSpec {
  content?: Record<string, { schema?: { $ref?: string } }>;
  headers?: Record<string, unknown>;
  $ref?: string;
}

const STRONG_ETAG = /^"[\x21\x23-\x7e]+"$/;

/** What the contract says beyond the body schema: media type, documented headers, the error catalogue. */
function headerProblem(status: number, body: unknown, headers: Record<string, string>, documented: Record<string, unknown>): string | undefined {
  if (!/^application\/json\b/.test(headers['content-type'] ?? '')) return `content-type is ${headers['content-type']}`;
  if ('ETag' in documented) {
    const etag = headers.etag ?? '';
    const record = body as { etag?: string; record?: { etag?: string } };
    if (!STRONG_ETAG.test(etag)) return `ETag header ${JSON.stringify(etag)} is not a strong quoted entity-tag`;
    if (etag !== (record.record?.etag ?? record.etag)) return `ETag header ${etag} differs from the body's etag`;
  }
  const error = (body as { error?: { code: ErrorCode; retryable: boolean; retryAfterSeconds?: number } }).error;
  if (error && ERRORS[error.code]) {
    const expected = ERRORS[error.code];
    if (expected.status !== status || expected.retryable !== error.retryable) return `${error.code} answered ${status} retryable=${error.retryable}; the catalogue says ${expected.status} retryable=${expected.retryable}`;
    if ((status === 423 || status === 503) && !/^\d+$/.test(headers['retry-after'] ?? '')) return `${status} ${error.code} has no Retry-After`;
    if (error.retryAfterSeconds !== undefined && headers['retry-after'] !== String(error.retryAfterSeconds)) return `Retry-After ${headers['retry-after']} differs from retryAfterSeconds ${error.retryAfterSeconds}`;
  }
  return undefined;
}

/**
 * Checks one response against the contract: the body against the documented schema and, when the
 * headers are given, the media type, the documented ETag header and the error catalogue (status,
 * retryable, Retry-After). Returns a problem description or undefined.
 */
export function contractProblem(method: string, path: string, status: number, body: unknown, headers?: Record<string, string>): string | undefined {
  const contract = loadContract();
  const pathname = path.split('?')[0] ?? '';
  const template = Object.keys(contract.document.paths).find((t) => new RegExp(`^${t.replace(/\{\w+\}/g, '[^/]+')}$`).test(pathname));
  let pointer = '#/components/schemas/Error';
  let documentedHeaders: Record<string, unknown> = {};
  if (template) {
    const operation = contract.document.paths[template]?.[method.toLowerCase()] as { responses?: Record<string, ResponseSpec> } | undefined;
    if (operation?.responses) {
      let response = operation.responses[String(status)] ?? operation.responses.default;
      if (!response) return `${method} ${template} does not document status ${status}`;
      if (response.$ref) response = contract.document.components.responses[response.$ref.split('/').pop() ?? ''] as ResponseSpec;
      documentedHeaders = response.headers ?? {};
      const ref = response.content?.['application/json']?.schema?.$ref;
      if (!ref) return `${method} ${template} ${status} has no JSON schema`;
      pointer = ref;
    }
  }
  if (status >= 400 && pointer !== '#/components/schemas/Error') return `${method} ${pathname} answered ${status}, which the contract documents as a success`;
  const validate = contract.ref(pointer);
  if (!validate(body)) return `${method} ${pathname} ${status}: ${JSON.stringify(validate.errors?.[0])} in ${JSON.stringify(body).slice(0, 300)}`;
  const problem = headers && headerProblem(status, body, headers, documentedHeaders);
  return problem ? `${method} ${pathname} ${status}: ${problem}` : undefined;
}

export interface TestAgent {
  agent: RunningAgent;
  dir: string;
  clientKey: string;
  adminKey: string;
  dispatcher: HttpDispatcher;
  /** Every response seen that broke the contract (a test asserts this stays empty). */
  violations: string[];
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it; every body is checked against the contract first.
  call(method: 'GET' | 'PUT' | 'POST', path: string, options?: CallOptions): Promise<HttpResponse & { data: any }>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface CallOptions {
  body?: unknown;
  rawBody?: string | Buffer;
  key?: string | null;
  headers?: Record<string, string>;
  idempotencyKey?: string;
}

export async function startTestAgent(options: Partial<AgentOptions> = {}, dir = tempDir()): Promise<TestAgent> {
  const start = (): Promise<RunningAgent> => startAgent({ backend: 'sim', dataDir: dir.path, port: 0, ...options });
  let agent = await start();
  const clientKey = agent.keys.add('test client').key;
  const adminKey = agent.keys.add('test admin', 'admin').key;
  let dispatcher = createDispatcher({ ca: agent.certificate, fingerprint256: agent.fingerprint256 });
  const violations: string[] = [];
  const self: TestAgent = {
    get agent() {
      return agent;
    },
    dir: dir.path,
    clientKey,
    adminKey,
    get dispatcher() {
      return dispatcher;
    },
    violations,
    async call(method, path, call = {}) {
      const headers: Record<string, string> = { ...call.headers };
      const key = call.key === undefined ? clientKey : call.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (call.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey;
      let body: string | Buffer | undefined = call.rawBody;
      if (call.body !== undefined) body = JSON.stringify(call.body);
      if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      const response = await httpRequest(`${agent.url}${path}`, { method, headers, body, dispatcher });
      const data = response.body.length > 0 ? response.json() : undefined;
      const problem = contractProblem(method, path, response.status, data, response.headers);
      if (problem) violations.push(problem);
      return Object.assign(response, { data });
    },
    async restart() {
      await agent.close(1000);
      await dispatcher.close();
      agent = await start();
      dispatcher = createDispatcher({ ca: agent.certificate, fingerprint256: agent.fingerprint256 });
    },
    async stop() {
      await agent.close(1000);
      await dispatcher.close();
      dir.remove();
    },
  };
  return self;
}
