// The webhook receiver check: `serve` (the real bamboohr-source against the BambooHR sandbox, a test
// sink) takes deliveries over real HTTP on 127.0.0.1 that were built from BambooHR's documented
// behaviour alone (./bamboohr-deliveries.ts: its own HMAC, no import of the source's webhook code).
// Every documented style must be acknowledged with a 2xx and processed — the named employees read
// from BambooHR; forged, stale, future-dated, malformed and oversized deliveries must be refused with
// a 4xx, never a 5xx, and leave nothing behind for the worker.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bambooHrSource } from '../../connectors/bamboohr-source/index.ts';
import type { CliIo } from '../../runtime/cli/command.ts';
import { serveCommand } from '../../runtime/cli/serve-command.ts';
import { createRegistry } from '../../runtime/connectors/registry.ts';
import { openLowdbStore } from '../../runtime/store/lowdb-store.ts';
import { startBambooSandbox, type RunningSandbox } from '../../sandbox/bamboohr/index.ts';
import { repoRoot } from '../support/cli.ts';
import { drained } from '../support/serve-child.ts';
import { testSinkDefinition } from '../support/test-connectors.ts';
import { until } from '../support/until.ts';
import { bambooSignature, epochSeconds, KNOWN_ANSWER, signed, validStyles, type OutgoingDelivery } from './bamboohr-deliveries.ts';
import { send, type Answer } from './http-sender.ts';

const PIPELINE = 'receiver-check';
const HOOK = '/hooks/keystone/bamboohr';
const PRIVATE_KEY = 'f3a1c9d27b4e4c0e9a5d1b7c3e8f2a6d';
const TWENTY_MB = 20 * 1024 * 1024;

function pipelineFolder(sandbox: RunningSandbox): { dir: string; state: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-receiver-'));
  mkdirSync(join(dir, 'steps'));
  mkdirSync(join(dir, 'pipelines'));
  for (const file of ['departments.yaml', 'employee.jsonata', 'roster.jsonata']) cpSync(join(repoRoot, 'test/fixtures/engine', file), join(dir, 'steps', file));
  writeFileSync(
    join(dir, 'pipelines', `${PIPELINE}.yaml`),
    [
      'version: 1',
      `name: ${PIPELINE}`,
      'source:',
      '  type: bamboohr-source',
      '  config:',
      '    subdomain: keystone',
      `    baseUrl: ${sandbox.companyUrl()}`,
      '    auth: { apiKey: "${secret:bamboohr-api-key}" }',
      '    fields: [firstName, lastName, status, department, location, lastChanged]',
      'triggers:',
      `  - { type: webhook, path: ${HOOK}, signingKey: "\${secret:bamboohr-webhook-key}", toleranceSeconds: 300 }`,
      'steps:',
      '  - { type: map, id: department-code, table: ../steps/departments.yaml, from: department, to: segments.department, onMissing: quarantine }',
      '  - { type: transform, id: cost-center, file: ../steps/employee.jsonata }',
      '  - { type: aggregate, id: roster, file: ../steps/roster.jsonata, timeoutMs: 10000 }',
      'sink:',
      '  type: test-sink',
      '  config: { separator: "-" }',
      '',
    ].join('\n'),
  );
  return { dir, state: join(dir, 'state') };
}

function refusedWith(answer: Answer, status: number, name: string): void {
  expect({ name, status: answer.status }).toEqual({ name, status });
  // A refusal says nothing that helps a forger: no reason, no echo of what was computed.
  expect(answer.body, name).not.toMatch(/signature|hmac|expected|timestamp|key/i);
}

describe('webhook receiver check against serve (BambooHR as documented)', () => {
  let sandbox: RunningSandbox;
  let folder: { dir: string; state: string };
  let url: string;
  let stopServe: () => Promise<number>;
  const answers: { name: string; status: number }[] = [];

  const deliver = async (d: OutgoingDelivery, extra: Partial<Parameters<typeof send>[1]> = {}): Promise<Answer> => {
    const answer = await send(`${url}${HOOK}`, { headers: d.headers, body: d.body, ...extra });
    answers.push({ name: d.name, status: answer.status });
    return answer;
  };

  beforeAll(async () => {
    sandbox = await startBambooSandbox();
    folder = pipelineFolder(sandbox);
    const registry = createRegistry([bambooHrSource, testSinkDefinition()]);
    const stop = new AbortController();
    let out = '';
    let err = '';
    const io: CliIo = {
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      env: { LOG_LEVEL: 'silent', ML_CONNECTOR_SECRET_BAMBOOHR_API_KEY: sandbox.credentials().apiKey, ML_CONNECTOR_SECRET_BAMBOOHR_WEBHOOK_KEY: PRIVATE_KEY },
      cwd: folder.dir,
      stopSignal: stop.signal,
    };
    const exit = serveCommand(registry).run([join(folder.dir, 'pipelines'), '--port', '0', '--host', '127.0.0.1', '--data', folder.state, '--no-console'], io);
    await until(() => out.includes('"url"') || err.length > 0, 'serve to start');
    if (!out.includes('"url"')) throw new Error(`serve did not start: ${err}`);
    url = (JSON.parse(out.split('\n')[0] as string) as { url: string }).url;
    stopServe = async () => (stop.abort(), exit);
  });

  afterAll(async () => {
    // Whatever happened, no answer of the whole check was a 5xx.
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(await stopServe?.()).toBe(0);
    await sandbox?.close();
    if (folder) rmSync(folder.dir, { recursive: true, force: true });
  });

  it('signs exactly as BambooHR documents (the published vector), and nothing else matches it', () => {
    const body = Buffer.from(KNOWN_ANSWER.body);
    expect(bambooSignature(KNOWN_ANSWER.key, body, KNOWN_ANSWER.timestamp)).toBe(KNOWN_ANSWER.signature);
    // The recipe is body then timestamp with no separator: the other orders give other digests.
    expect(bambooSignature(KNOWN_ANSWER.key, Buffer.from(KNOWN_ANSWER.timestamp), KNOWN_ANSWER.body)).not.toBe(KNOWN_ANSWER.signature);
    expect(bambooSignature(KNOWN_ANSWER.key, Buffer.from(`${KNOWN_ANSWER.timestamp}.`), KNOWN_ANSWER.body)).not.toBe(KNOWN_ANSWER.signature);
  });

  it('acknowledges every documented style with a 2xx and reads every employee it names; refuses the rest with a 4xx and reads none of theirs', async () => {
    const now = new Date();
    const valid = validStyles(PRIVATE_KEY, now);
    // Spaces around a header value are HTTP's optional whitespace, not part of the value: accepted.
    const spaced = signed('spaces around the header values', JSON.stringify({ type: 'employee.updated', timestamp: now.toISOString(), data: { companyId: '12345', employeeId: '30' } }), ['30'], { key: PRIVATE_KEY, timestamp: epochSeconds(now), contentType: 'application/json' });
    valid.push({ ...spaced, headers: spaced.headers.map(([n, v]) => [n, `  ${v} `]) });
    for (const d of valid) expect({ name: d.name, status: (await deliver(d)).status }).toEqual({ name: d.name, status: 202 });
    // BambooHR retries: the same delivery again is acknowledged (2xx), and is the same delivery.
    const again = await deliver(valid[0] as OutgoingDelivery);
    expect([again.status, JSON.parse(again.body).duplicate]).toEqual([200, true]);

    // The refusals name employees 101+, so any of them that reached the worker would show as a read.
    const ts = epochSeconds(now);
    const body = (id: number): string => JSON.stringify({ type: 'employee.updated', timestamp: now.toISOString(), data: { companyId: '12345', employeeId: String(id), changedFields: ['department'] } });
    const good = (id: number, timestamp = ts) => signed(`employee ${id}`, body(id), [String(id)], { key: PRIVATE_KEY, timestamp, contentType: 'application/json' });
    const withHeaders = (id: number, name: string, edit: (headers: [string, string][]) => [string, string][]): OutgoingDelivery => {
      const d = good(id);
      return { ...d, name, headers: edit(d.headers) };
    };
    const sig = (d: OutgoingDelivery): string => d.headers.find(([n]) => n === 'X-BambooHR-Signature')?.[1] ?? '';
    const replaceSig = (value: string) => (h: [string, string][]): [string, string][] => h.map(([n, v]) => [n, n === 'X-BambooHR-Signature' ? value : v]);
    const replaceTs = (value: string) => (h: [string, string][]): [string, string][] => h.map(([n, v]) => [n, n === 'X-BambooHR-Timestamp' ? value : v]);
    const without = (name: string) => (h: [string, string][]): [string, string][] => h.filter(([n]) => n !== name);
    const s = sig(good(120));
    const forged: OutgoingDelivery[] = [
      signed('signed with another key', body(101), ['101'], { key: 'not-the-private-key', timestamp: ts, contentType: 'application/json' }),
      { ...good(102), name: 'body changed by one byte after signing', body: Buffer.from(body(102).replace('department', 'departmenu')) },
      withHeaders(103, 'timestamp + 1 after signing', replaceTs(String(Number(ts) + 1))),
      good(104, epochSeconds(new Date(now.getTime() - 400_000))),
      good(105, epochSeconds(new Date(now.getTime() + 400_000))),
      withHeaders(106, 'no X-BambooHR-Signature', without('X-BambooHR-Signature')),
      withHeaders(107, 'no X-BambooHR-Timestamp', without('X-BambooHR-Timestamp')),
      withHeaders(108, 'neither header', (h) => without('X-BambooHR-Timestamp')(without('X-BambooHR-Signature')(h))),
      withHeaders(109, 'empty signature', replaceSig('')),
      withHeaders(110, '63 hex digits', replaceSig(s.slice(0, 63))),
      withHeaders(111, '65 hex digits', replaceSig(`${s}0`)),
      withHeaders(112, '32 hex digits (truncated)', replaceSig(s.slice(0, 32))),
      withHeaders(113, '128 hex digits (doubled)', replaceSig(`${s}${s}`)),
      withHeaders(114, '64 non-hex characters', replaceSig('g'.repeat(64))),
      withHeaders(115, 'upper-case hex', (h) => replaceSig(sig(good(115)).toUpperCase())(h)),
      withHeaders(116, 'sha256= prefix', (h) => replaceSig(`sha256=${sig(good(116))}`)(h)),
      withHeaders(117, 'a space inside the signature', (h) => replaceSig(`${sig(good(117)).slice(0, 32)} ${sig(good(117)).slice(32)}`)(h)),
      withHeaders(118, 'signature header sent twice', (h) => [...h, ['X-BambooHR-Signature', sig(good(118))]]),
      withHeaders(119, 'timestamp hello', replaceTs('hello')),
      withHeaders(121, 'empty timestamp', replaceTs('')),
      withHeaders(122, 'fractional timestamp', replaceTs(`${ts}.5`)),
      // The published vector is a genuine signature, but from 2022: a replay, refused by the window.
      { ...signed('the published vector, replayed years later', KNOWN_ANSWER.body, ['5'], { key: KNOWN_ANSWER.key, timestamp: KNOWN_ANSWER.timestamp, contentType: 'application/json' }) },
      signed('bad JSON, unsigned', '{"type":"employee.updated","data":{"employeeId":"123"', ['123'], { key: 'guess', timestamp: ts, contentType: 'application/json' }),
    ];
    for (const d of forged) refusedWith(await deliver(d), 401, d.name);
    const malformed: OutgoingDelivery[] = [
      signed('bad JSON, validly signed', '{"type":"employee.updated","data":{"employeeId":"124"', ['124'], { key: PRIVATE_KEY, timestamp: ts, contentType: 'application/json' }),
      signed('empty JSON body, validly signed', '', [], { key: PRIVATE_KEY, timestamp: ts, contentType: 'application/json' }),
      signed('truncated UTF-8, validly signed', Buffer.from([0x7b, 0x22, 0xc3]), [], { key: PRIVATE_KEY, timestamp: ts, contentType: 'application/json; charset=utf-8' }),
    ];
    for (const d of malformed) refusedWith(await deliver(d), 400, d.name);
    refusedWith(await send(`${url}${HOOK}`, { method: 'GET', headers: [] }), 405, 'GET on the webhook path');

    // 20 MB, three ways: declared (only 64 KiB of it sent), streamed chunked, and fully sent with a valid
    // signature. Each is refused with 413 before it is read — so before any HMAC work.
    const huge = good(130);
    const declared = await deliver({ ...huge, name: 'declares 20 MB' }, { body: Buffer.alloc(64 * 1024, 0x20), declaredLength: TWENTY_MB });
    refusedWith(declared, 413, 'declares 20 MB');
    expect(declared.bytesSentBeforeAnswer).toBe(64 * 1024);
    const streamed = await deliver({ ...huge, name: 'streams 20 MB chunked' }, { body: undefined, streamBytes: TWENTY_MB });
    refusedWith(streamed, 413, 'streams 20 MB chunked');
    const bigBody = Buffer.concat([Buffer.from(body(131).slice(0, -1)), Buffer.from(`,"pad":"${'x'.repeat(TWENTY_MB)}"}`)]);
    refusedWith(await deliver(signed('20 MB, validly signed', bigBody, ['131'], { key: PRIVATE_KEY, timestamp: ts, contentType: 'application/json' })), 413, '20 MB, validly signed');
    const metrics = await fetch(`${url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(new RegExp(`mlc_webhook_deliveries_total\\{pipeline="${PIPELINE}",outcome="too-large"\\} 3`));

    // Processed: the worker drains, the pipeline reports no error, and the audit trail holds every
    // employee the accepted deliveries named (read and mapped, or quarantined by the mapping), and none
    // that only the refused ones named. An employee BambooHR no longer has (the deleted event's) leaves
    // no trail when the runtime never held it: for that one, the drained job and a pipeline with no error speak.
    expect(await drained(url, PIPELINE, 800)).toBe(0);
    const ready = (await fetch(`${url}/readyz`).then((r) => r.json())) as { pipelines: Record<string, { state: string; lastError?: unknown }> };
    // 'degraded' is expected: the mapping quarantines some of these employees (no department row).
    expect(ready.pipelines[PIPELINE]?.state).not.toBe('failing');
    expect(ready.pipelines[PIPELINE]?.lastError).toBeUndefined();
    const seen = await auditedKeys(folder.state, now);
    const company = sandbox.admin.company('keystone');
    const announced = valid.flatMap((d) => d.employees).filter((id) => company.employees[id]?.deleted === false);
    expect(announced.length).toBeGreaterThanOrEqual(valid.length);
    expect(announced.filter((id) => !seen.has(id))).toEqual([]);
    expect([...seen].filter((id) => Number(id) > 100)).toEqual([]);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
  }, 120_000);

  it('acknowledges a company event (no employee in it) and answers it with a changed-since read', async () => {
    const mark = sandbox.admin.requests().at(-1)?.seq ?? 0;
    const now = new Date();
    const company = signed('company.updated', JSON.stringify({ type: 'company.updated', timestamp: now.toISOString(), data: { companyId: '12345' } }), [], { key: PRIVATE_KEY, timestamp: epochSeconds(now), contentType: 'application/json' });
    expect((await deliver(company)).status).toBe(202);
    expect(await drained(url, PIPELINE, 800)).toBe(0);
    expect(sandbox.admin.requests(mark).some((r) => r.path.includes('/employees/changed'))).toBe(true);
  }, 60_000);
});

/** Record keys with any audit event since `since` — read and mapped, or quarantined (the store opened read-only beside serve). */
async function auditedKeys(stateDir: string, since: Date): Promise<Set<string>> {
  const store = await openLowdbStore(stateDir, { readOnly: true });
  const keys = new Set<string>();
  try {
    for await (const event of store.audit.query({ pipeline: PIPELINE, since: new Date(since.getTime() - 1000).toISOString() })) keys.add(event.recordKey);
  } finally {
    await store.close();
  }
  return keys;
}
