// bamboohr-backfill: a full read (readAll) through the bamboohr-source connector against the sandbox
// in-process, for 200 and 10,000 employees: requests sent (from the sandbox's request log) and wall
// time (median of 3), beside the sandbox's own bulk read (one raw custom report, median of 3) in the
// same run, and this process's peak RSS.
import { apiKeyConfig, collect, createRig, startSandbox } from '../connectors/bamboohr-source/test-support.ts';
import { DEFAULT_FIELDS } from '../connectors/bamboohr-source/config.ts';

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
const round = (n: number): number => Math.round(n * 10) / 10;

async function measure(employees: number): Promise<Record<string, number>> {
  const sandbox = await startSandbox({ employees });
  try {
    const rig = await createRig(sandbox, apiKeyConfig(sandbox));
    const times: number[] = [];
    let requests = 0;
    let records = 0;
    for (let i = 0; i < 3; i += 1) {
      const mark = sandbox.admin.requests().at(-1)?.seq ?? 0;
      const t = performance.now();
      records = (await collect(rig.source.readAll({ signal: AbortSignal.timeout(120_000) }))).records.length;
      times.push(performance.now() - t);
      requests = sandbox.admin.requests(mark).length;
    }
    await rig.close();
    const raw: number[] = [];
    const headers = { authorization: `Basic ${Buffer.from(`${sandbox.credentials().apiKey}:x`).toString('base64')}`, accept: 'application/json', 'content-type': 'application/json' };
    for (let i = 0; i < 3; i += 1) {
      const t = performance.now();
      const res = await fetch(`${sandbox.companyUrl()}/api/v1/reports/custom?format=JSON`, { method: 'POST', headers, body: JSON.stringify({ fields: [...DEFAULT_FIELDS, 'status'] }) });
      await res.json();
      raw.push(performance.now() - t);
    }
    return { records, requests, readMs: round(median(times)), sandboxBulkMs: round(median(raw)) };
  } finally {
    await sandbox.close();
  }
}

const small = await measure(200);
const large = await measure(10_000);
console.log(
  JSON.stringify({
    bench: 'bamboohr-backfill',
    records200: small.records,
    requests200: small.requests,
    readMs200: small.readMs,
    records10k: large.records,
    requests10k: large.requests,
    readMs10k: large.readMs,
    sandboxBulkMs10k: large.sandboxBulkMs,
    ratio10kToSandbox: round((large.readMs ?? 0) / (large.sandboxBulkMs ?? 1)),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
