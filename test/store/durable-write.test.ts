// The embedded store's one write path (temp file, fsync, rename, fsync of the directory) killed with
// -9 at chosen instants: the file always parses (never torn, never empty) and is never older than the
// last acknowledged write (reliability DL-12).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';

function killedWriter(file: string, afterAcks: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'test/store/durable-write-child.mjs'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acknowledged = 0;
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) acknowledged = Number(line);
      if (acknowledged >= afterAcks) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve(acknowledged));
  });
}

describe('durable write under kill -9', () => {
  it('always leaves a complete, acknowledged (or in-flight) version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlc-durable-'));
    const file = join(dir, 'state.json');
    const outcomes: string[] = [];
    // Kill after a seeded number of acknowledged writes; the kill lands while later writes are in flight.
    for (const afterAcks of [3, 17, 40, 9, 25]) {
      const acknowledged = await killedWriter(file, afterAcks);
      const { n } = JSON.parse(readFileSync(file, 'utf8')) as { n: number };
      // Never older than what was acknowledged (later writes may have landed before the kill did).
      outcomes.push(n >= acknowledged ? 'ok' : `file has ${n}, last acknowledged ${acknowledged}`);
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });
});
