// `npm start` as a test: `demo --once` runs the whole story against the stand-ins over real HTTPS
// (OAuth, backfill, a signed webhook into serve) and must show the Warehouse → Yard move reaching
// Sage 100: the Warehouse cost center's headcount one lower, Yard's one higher, the labor accounts
// of both active, and the moved employee's trail ending in that headcount write.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

function section(text: string, title: string): string[][] {
  const start = text.indexOf(`\n${title}\n`);
  if (start < 0) return [];
  const lines = text.slice(start + title.length + 2).split('\n');
  const rows: string[][] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('  ') || line.trim() === '') break;
    rows.push(line.trim().split(/\s{2,}/));
  }
  return rows;
}

describe('npm start (demo --once)', () => {
  it('moves one employee from Warehouse to Yard and shows it reaching Sage 100', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlc-demo-'));
    const run = await runCli(['demo', '--once'], { env: { ML_CONNECTOR_DEMO_DIR: dir } });
    expect(run.stderr + run.stdout).not.toMatch(/\bat .*\.ts:\d+/);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const headcount = section(run.stdout, 'Headcount');
    expect(headcount).toHaveLength(2);
    const [warehouse, yard] = headcount as [string[], string[]];
    expect(warehouse[0]).toMatch(/^\d{2}-WHS-\d{2}$/);
    expect(yard[0]).toMatch(/^\d{2}-YRD-\d{2}$/);
    expect(Number(warehouse[3])).toBe(Number(warehouse[2]) - 1);
    expect(Number(yard[3])).toBe((Number(yard[2]) || 0) + 1);
    const accounts = section(run.stdout, 'Labor GL accounts');
    expect(accounts.map((r) => r[0]?.slice(0, 4))).toEqual(['6000', '6100', '6200', '6000', '6100', '6200']);
    for (const row of accounts) expect(row[3]).toBe('active');
    expect(run.stdout).toMatch(/serve verified its HMAC-SHA256 signature/);
    expect(run.stdout).toMatch(new RegExp(`written\\s+update headcount/${yard[0]}@\\d{4}-\\d{2}: headcount \\d+ → \\d+`));
    // Everything it wrote is in its own folder.
    expect(readdirSync(dir).sort()).toEqual(['agent', 'master.key', 'sandbox-cert.pem', 'serve.log', 'state', 'work']);
    // A whole story (two servers, OAuth, a backfill, a webhook round trip): a limit, not a speed claim.
  }, 180_000);
});
