// change-to-ledger: one department move in BambooHR → Sage 100 updated, end to end through serve, with
// a fixed added latency at the sandbox (every API answer) and at the agent (every Sage call of the sim).
// Measured, as the issue defines it, from the webhook — the moment the sandbox hands BambooHR's signed
// delivery to its HTTP client, over loopback, so the figure includes the wire — to the agent answering
// the last headcount write of that move; fromMoveMs adds the sandbox's own work between the move and
// its delivery (1–4 ms). Printed beside the lower bound at that
// latency — the round trips the issue counts as necessary: the read from BambooHR, the read and the
// write at the agent (3 × latency) — and the ratio. The runtime now skips the agent read for items it
// wrote itself (conditional writes over the remembered ETag), so a move makes two round trips: the bench
// counts the agent reads of the measured moves (agentReadsPerMove), and the BambooHR reads
// (sourceReadsPerMove: serve starts the read as the webhook is verified, and the job takes it), and prints the two-round-trip floor
// (2 × latency) with the p99's ratio to it too. Then the same with 10,000 employees, where the aggregate's cost
// shows: the example's aggregate is partitioned by cost center, so a move re-evaluates the two cost
// centers it touches (hundreds of employees each at that size), not the whole roster (4–5 s here before
// partitions).
// serveMeanMs is serve's own account of each move's batch (mean ms per phase, from /metrics): read
// (BambooHR read and record steps), steps (the aggregate), actual (the agent read, when one is needed), apply (the writes),
// commit; what the phases leave out of the move's time is the webhook's way in and the job claim.
// C2L_NODE_ARGS passes Node options to serve (say "--cpu-prof --cpu-prof-dir=/tmp/prof"); C2L_MOVES,
// C2L_LARGE and C2L_LARGE_MOVES change the counts, C2L_DEBUG prints each move.
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registry } from '../cli/checks.ts';
import type { StandIns } from '../cli/demo/stand-ins.ts';
import { authorize, createWebhook, pickMover, WEBHOOK_PATH } from '../cli/demo/story.ts';
import { PIPELINE_FILE, pointAtStandIns, prepareWorkspace } from '../cli/demo/workspace.ts';
import { runCommand } from '../runtime/cli/run-command.ts';
import { freePort } from '../runtime/util/free-port.ts';
import { generateSandboxCertificate, startBambooSandbox } from '../sandbox/bamboohr/index.ts';
import type { RequestRecord } from '../sandbox/bamboohr/request-log.ts';
import type { DeliveryRecord } from '../sandbox/bamboohr/webhook-delivery.ts';
import { type SinkAgent, startSinkAgent } from '../test/support/sage100-agent.ts';

const LATENCY_MS = 20;

/** Source records serve's batches have read so far (a batch adds to it only when it has finished). */
async function recordsRead(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('mlc_records_total{') && l.includes('outcome="read"'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** GETs of employee records the sandbox has answered after request `afterSeq` (its log keeps the latest only). */
function sourceReads(sandbox: { admin: { requests(afterSeq?: number): RequestRecord[] } }, afterSeq: number): number {
  return sandbox.admin.requests(afterSeq).filter((r) => r.method === 'GET' && r.path.includes('/employees')).length;
}

/**
 * When the sandbox handed this move's webhook to its HTTP client (its performance clock, which is this
 * process's): the delivery is logged once serve has answered it, which it does before the move's
 * writes, so it is there by the time they are; waited for a little, just in case.
 */
async function webhookSentAt(sandbox: { admin: { deliveries(after: number): DeliveryRecord[] } }, after: number, employeeId: string): Promise<number | undefined> {
  for (let i = 0; i < 100; i++) {
    const sent = sandbox.admin.deliveries(after).find((d) => String(d.employeeId) === employeeId && d.attempt === 0 && !d.duplicate);
    if (sent) return sent.sentAtMonotonicMs;
    await new Promise((r) => setTimeout(r, 10));
  }
  return undefined;
}

/**
 * serve as its own process, as deployed (a container): the stand-ins stay in this one, so their work
 * (BambooHR's and Sage's side of each request) does not queue on serve's event loop.
 */
async function serveProcess(cwd: string, state: string, env: NodeJS.ProcessEnv, port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...(process.env.C2L_NODE_ARGS?.split(' ').filter(Boolean) ?? []), join(process.cwd(), 'bin/ml-connector.mjs'), 'serve', 'pipelines', '--port', String(port), '--data', state], { cwd, env: { ...env, PATH: process.env.PATH, LOG_LEVEL: process.env.C2L_LOG ?? env.LOG_LEVEL ?? 'silent' }, stdio: ['ignore', 'pipe', process.env.C2L_DEBUG ? 'inherit' : 'ignore'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('"url"'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before it was ready: ${out}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** serve's time per batch phase so far (mlc_batch_phase_seconds): total seconds and batches, by phase. */
async function phaseTotals(url: string): Promise<Map<string, { sum: number; count: number }>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const totals = new Map<string, { sum: number; count: number }>();
  for (const line of text.split('\n')) {
    const match = /^mlc_batch_phase_seconds_(sum|count)\{[^}]*phase="(\w+)"[^}]*\} (\S+)$/.exec(line);
    if (!match) continue;
    const [, kind, phase = '', value] = match;
    const entry = totals.get(phase) ?? { sum: 0, count: 0 };
    entry[kind === 'sum' ? 'sum' : 'count'] += Number(value);
    totals.set(phase, entry);
  }
  return totals;
}

/** Mean ms per batch of each phase between two readings of phaseTotals. */
function phaseMeans(before: Map<string, { sum: number; count: number }>, after: Map<string, { sum: number; count: number }>): Record<string, number> {
  const means: Record<string, number> = {};
  for (const [phase, total] of after) {
    const earlier = before.get(phase) ?? { sum: 0, count: 0 };
    const batches = total.count - earlier.count;
    if (batches > 0) means[phase] = Math.round(((total.sum - earlier.sum) / batches) * 10_000) / 10;
  }
  return means;
}

async function settled(url: string, read: number): Promise<void> {
  for (let i = 0; i < 1000 && (await recordsRead(url)) < read; i++) await new Promise((r) => setTimeout(r, 10));
}

/** GET requests the agent has answered (reads of Sage 100; health checks are not counted). */
function agentReads(agent: SinkAgent): number {
  return agent.requests.filter((r) => r.method === 'GET' && !r.path.endsWith('/health')).length;
}

async function measure(employees: number, moves: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-bench-c2l-'));
  const stop = new AbortController();
  const io = { stdout: () => {}, stderr: () => {}, env: { PATH: process.env.PATH, ML_CONNECTOR_DEMO_DIR: dir, LOG_LEVEL: process.env.C2L_LOG ?? 'silent' }, cwd: process.cwd(), stopSignal: stop.signal };
  const workspace = prepareWorkspace(process.cwd(), io);
  const pair = await generateSandboxCertificate();
  const sandbox = await startBambooSandbox({ tls: pair, port: 0, employees });
  const agent = await startSinkAgent();
  const standIns: StandIns = {
    sandbox,
    sandboxPem: pair.cert,
    sandboxFingerprint: new X509Certificate(pair.cert).fingerprint256,
    agent: agent.t.agent,
    agentKey: agent.t.clientKey,
    close: async () => {},
  };
  let serving: Awaited<ReturnType<typeof serveProcess>> | undefined;
  try {
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    sandbox.admin.setRedirectUris('keystone', [redirectUri]);
    pointAtStandIns(workspace, standIns, redirectUri);
    await workspace.storeSecret('bamboohr-client-secret', sandbox.credentials().oauth.clientSecret);
    await workspace.storeSecret('sage-agent-key', standIns.agentKey);
    const work = { ...io, env: workspace.env, cwd: workspace.work };
    await authorize(work, workspace, standIns, registry);
    const port = await freePort();
    await workspace.storeSecret('bamboohr-webhook-key', await createWebhook(standIns, `http://127.0.0.1:${port}${WEBHOOK_PATH}`));
    const backfillStarted = performance.now();
    await runCommand(registry).run([PIPELINE_FILE, '--once', '--mode', 'full'], work);
    const backfillMs = performance.now() - backfillStarted;
    serving = await serveProcess(workspace.work, workspace.state, workspace.env, port);
    sandbox.admin.setFaults({ latencyMs: LATENCY_MS });
    agent.t.agent.sim?.setFaults({ latencyMs: LATENCY_MS });
    const mover = pickMover(standIns, workspace);
    if (process.env.C2L_DEBUG) process.stderr.write(`ready: effects ${agent.effects().length}, serve ${serving.url}\n`);
    const latencies: number[] = [];
    const fromMove: number[] = [];
    let timedOut = 0;
    // The second each target was last sent: BambooHR's webhook timestamp has one-second resolution, so
    // the same move twice in one second is byte-for-byte the same signed delivery, which the receiver
    // rightly takes for a resend. A move waits for the next second then (outside the measured time).
    const lastSecond = new Map<string, number>();
    // Move -1 is not measured: the first change after serve starts also pays the TLS handshakes to
    // both stand-ins and serve's one-off evaluation of every partition (done at start, between batches).
    let phasesBefore = new Map<string, { sum: number; count: number }>();
    let readsBefore = 0;
    let sourceReadsBefore = 0; // the sandbox request seq the measured moves start after
    for (let i = -1; i < moves; i++) {
      if (i === 0) {
        phasesBefore = await phaseTotals(serving.url);
        readsBefore = agentReads(agent);
        sourceReadsBefore = sandbox.admin.requests().at(-1)?.seq ?? 0;
      }
      // Back and forth between Warehouse and Yard: each move changes two headcounts (one down, one up).
      const department = (i + 1) % 2 === 0 ? 'Yard' : 'Warehouse';
      const wait = lastSecond.get(department) === Math.floor(Date.now() / 1000) ? 1000 - (Date.now() % 1000) + 5 : 0;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const target = agent.effects().length + 2;
      const readBefore = await recordsRead(serving.url);
      const deliveredBefore = sandbox.admin.deliveries().at(-1)?.seq ?? 0;
      const started = performance.now();
      // Each move dated one day later (all in the past), so the history reads like real moves.
      const date = new Date(Date.now() - (moves - i) * 86_400_000).toISOString().slice(0, 10);
      lastSecond.set(department, Math.floor(Date.now() / 1000));
      sandbox.admin.move('keystone', mover.id, { department, date });
      const done = await Promise.race([agent.whenEffects(target).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
      const doneAt = performance.now();
      const took = doneAt - started;
      const sentAt = await webhookSentAt(sandbox, deliveredBefore, mover.id);
      if (process.env.C2L_DEBUG) process.stderr.write(`move ${i}: ${done ? `${Math.round(took)} ms` : 'timed out'}, effects ${agent.effects().length}\n`);
      if (i >= 0 && done && sentAt !== undefined) {
        latencies.push(doneAt - sentAt);
        fromMove.push(took);
      } else if (i >= 0) timedOut++;
      // One move at a time: the next starts once this batch has committed and the worker is idle, so
      // each figure is one change's own latency, not its wait behind the previous commit.
      await settled(serving.url, readBefore + 1);
    }
    const serveMeanMs = phaseMeans(phasesBefore, await phaseTotals(serving.url));
    const agentReadsPerMove = Math.round(((agentReads(agent) - readsBefore) / Math.max(1, moves)) * 100) / 100;
    const sourceReadsPerMove = Math.round((sourceReads(sandbox, sourceReadsBefore) / Math.max(1, moves)) * 100) / 100;
    latencies.sort((a, b) => a - b);
    fromMove.sort((a, b) => a - b);
    const quantile = (values: number[], q: number) => Math.round(values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0);
    const at = (q: number) => quantile(latencies, q);
    const bound = 3 * LATENCY_MS;
    return { employees, moves, measured: latencies.length, timedOut, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: Math.round(latencies.at(-1) ?? 0), lowerBoundMs: bound, p99Ratio: Math.round((at(0.99) / bound) * 100) / 100, agentReadsPerMove, sourceReadsPerMove, twoRoundTripsMs: 2 * LATENCY_MS, p99RatioToTwoRoundTrips: Math.round((at(0.99) / (2 * LATENCY_MS)) * 100) / 100, fromMoveMs: { p50: quantile(fromMove, 0.5), p99: quantile(fromMove, 0.99) }, backfillMs: Math.round(backfillMs), serveMeanMs };
  } finally {
    await serving?.stop();
    stop.abort();
    await agent.stop();
    await sandbox.close();
    if (!process.env.C2L_KEEP) rmSync(dir, { recursive: true, force: true }); else process.stderr.write(`kept ${dir}\n`);
  }
}

const small = await measure(200, Number(process.env.C2L_MOVES ?? 200));
// Fewer moves at 10,000: the backfill alone takes a while, and the bench must stay under 3 minutes.
const large = await measure(Number(process.env.C2L_LARGE ?? 10_000), Number(process.env.C2L_LARGE_MOVES ?? 20));
process.stdout.write(`${JSON.stringify({ bench: 'change-to-ledger', latencyMs: LATENCY_MS, targetP99Ratio: 1.5, roster200: small, roster10k: large })}\n`);
