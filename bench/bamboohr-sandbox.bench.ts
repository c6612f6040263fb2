// bamboohr-sandbox: the sandbox runs in its own process (as `ml-connector sandbox bamboohr`) with
// 10,000 employees; this process drives it over 127.0.0.1. Figures: single-employee GETs per second
// (bounded by count and time), one 10,000-employee custom report and a full datasets read (median
// of 5 each), and the sandbox process's peak RSS (VmHWM) after all of it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createDispatcher, httpRequest } from '../runtime/lib/http-client.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const EMPLOYEES = 10_000;
const MAX_REQUESTS = 20_000;
const MAX_MS = 5_000;
const CONCURRENCY = 16;

const child = spawn(process.execPath, [join(root, 'bin/ml-connector.mjs'), 'sandbox', 'bamboohr', '--port', '0', '--employees', String(EMPLOYEES)], {
  env: { ...process.env, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const startedAt = performance.now();
const info = await new Promise<{ apiBaseUrl: string; apiKey: string }>((resolve, reject) => {
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const line = buffer.split('\n')[0];
    if (buffer.includes('\n') && line) resolve(JSON.parse(line) as { apiBaseUrl: string; apiKey: string });
  });
  child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
});
const startupMs = performance.now() - startedAt;
const dispatcher = createDispatcher({}, { keepAliveTimeoutMs: 10_000 });
const headers = { authorization: `Basic ${Buffer.from(`${info.apiKey}:x`).toString('base64')}`, accept: 'application/json' };
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

try {
  // Single-employee GETs: CONCURRENCY workers until MAX_REQUESTS or MAX_MS.
  let sent = 0;
  let failed = 0;
  const loadStart = performance.now();
  const worker = async (): Promise<void> => {
    while (sent < MAX_REQUESTS && performance.now() - loadStart < MAX_MS) {
      const id = 1 + (sent++ % (EMPLOYEES - 20));
      const res = await httpRequest(`${info.apiBaseUrl}/employees/${id}?fields=firstName,lastName,department,division,location,status`, { headers, dispatcher });
      if (res.status !== 200 && res.status !== 404) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const loadMs = performance.now() - loadStart;

  const reportMs: number[] = [];
  let reportRows = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const res = await httpRequest(`${info.apiBaseUrl}/reports/custom?format=json`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ fields: ['employeeNumber', 'firstName', 'lastName', 'department', 'division', 'location', 'jobTitle', 'status', 'employmentHistoryStatus', 'hireDate', 'terminationDate', 'supervisorEId'] }),
      dispatcher,
    });
    reportRows = res.json<{ employees: unknown[] }>().employees.length;
    reportMs.push(performance.now() - t);
  }

  const datasetMs: number[] = [];
  const datasetBase = info.apiBaseUrl.replace(/\/api\/v1$/, '/api/v2');
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    for (let page = 1, pages = 1; page <= pages; page++) {
      const res = await httpRequest(`${datasetBase}/datasets/employee/data`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ fields: ['eeid', 'firstName', 'lastName', 'jobInformationDepartment', 'status'], page, pageSize: 1000 }),
        dispatcher,
      });
      pages = res.json<{ meta: { totalPages: number } }>().meta.totalPages;
    }
    datasetMs.push(performance.now() - t);
  }

  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const peakRssKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'bamboohr-sandbox',
      employees: EMPLOYEES,
      startupMs: Math.round(startupMs),
      singleGetRequests: sent,
      singleGetFailures: failed,
      singleGetConcurrency: CONCURRENCY,
      singleGetPerSecond: Math.round(sent / (loadMs / 1000)),
      bulkReportRows: reportRows,
      bulkReportMsMedian: round(median(reportMs)),
      datasetFullReadMsMedian: round(median(datasetMs)),
      datasetPagesPerRead: Math.ceil(EMPLOYEES / 1000),
      peakRssMb: round(peakRssKb / 1024),
    })}\n`,
  );
} finally {
  child.kill('SIGTERM');
  await dispatcher.close();
}
