// Issue 16, finding 3: after kill -9, no answered write is lost and no write conflicts with itself.
// Rounds of conditional writes (create with If-None-Match: *, then updates with If-Match) against a
// child agent that is killed with SIGKILL: on odd rounds by itself right after a write reached Sage
// and before its outcome was recorded, on even rounds by this test at an arbitrary point. Every
// unanswered write is retried with its own key after the restart; there is no other writer, so any
// 412/428 is a self-conflict. Answered writes must replay identically.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDispatcher, httpRequest, type HttpDispatcher } from '../../runtime/lib/http-client.ts';
import { ApiKeyStore } from '../auth/keys.ts';
import { ensurePrivateDir } from '../data-dir.ts';
import { seeded as prng } from '../../test/support/crash-model.ts';
import { tempDir } from '../test-support.ts';
import { readSimTables } from '../backends/sim/database.ts';

const ROUNDS = 6;
const CODES = 6;
const WRITES_PER_CODE = 3;
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

interface Write {
  key: string;
  code: string;
  description: string;
  headers: Record<string, string>;
}
interface Answered {
  write: Write;
  status: number;
  body: string;
}

async function spawnAgent(dir: string, killAfter: number): Promise<{ child: ChildProcess; url: string; dispatcher: HttpDispatcher }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(killAfter)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`the agent exited (${code}) before listening`)));
  });
  return { child, url, dispatcher: createDispatcher({ ca: readFileSync(join(dir, 'agent-cert.pem'), 'utf8') }) };
}

describe('kill -9 during writes', () => {
  it(`loses no answered write and never conflicts with itself over ${ROUNDS} crash rounds`, async () => {
    const dir = tempDir();
    ensurePrivateDir(dir.path);
    const { key: apiKey } = new ApiKeyStore(dir.path).add('crash test');
    const random = prng(16);
    const etags = new Map<string, string>();
    const latest = new Map<string, string>();
    const pending = new Map<string, Write>();
    const answered: Answered[] = [];
    let selfConflicts = 0;
    let retriedAfterCrash = 0;
    let foundApplied = 0;
    const unexpected: string[] = [];
    let version = 0;

    const send = async (url: string, dispatcher: HttpDispatcher, write: Write): Promise<'answered' | 'down'> => {
      for (let attempt = 0; attempt < 100; attempt++) {
        let response;
        try {
          response = await httpRequest(`${url}/v1/companies/KBS/segments/03/values/${write.code}`, {
            method: 'PUT',
            dispatcher,
            timeoutMs: 10_000,
            headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': write.key, 'content-type': 'application/json', ...write.headers },
            body: JSON.stringify({ description: write.description }),
          });
        } catch {
          return 'down';
        }
        // Start-up reconciliation may hold the key for a moment.
        if (response.status === 409) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        const body = response.text();
        if (response.status === 412 || response.status === 428) selfConflicts++;
        else if (response.status >= 300) unexpected.push(`${write.key}: ${response.status} ${body}`);
        else {
          etags.set(write.code, response.headers.etag ?? '');
          latest.set(write.code, write.description);
        }
        if (response.headers['idempotent-reconciled'] === 'true') foundApplied++;
        pending.delete(write.code);
        answered.push({ write, status: response.status, body });
        return 'answered';
      }
      unexpected.push(`${write.key}: still in progress`);
      return 'answered';
    };

    const nextWrite = (code: string): Write => {
      const etag = etags.get(code);
      version++;
      return { key: `w-${version}`, code, description: `${code} v${version}`, headers: etag ? { 'if-match': etag } : { 'if-none-match': '*' } };
    };

    let lost = 0;
    const checkReplays = async (url: string, dispatcher: HttpDispatcher, sample: Answered[]): Promise<void> => {
      for (const a of sample) {
        const r = await httpRequest(`${url}/v1/companies/KBS/segments/03/values/${a.write.code}`, {
          method: 'PUT',
          dispatcher,
          headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': a.write.key, 'content-type': 'application/json', ...a.write.headers },
          body: JSON.stringify({ description: a.write.description }),
        });
        if (r.status !== a.status || r.text() !== a.body || r.headers['idempotent-replayed'] !== 'true') lost++;
      }
    };

    for (let round = 1; round <= ROUNDS + 1; round++) {
      const final = round > ROUNDS;
      const selfKill = !final && round % 2 === 1 ? 1 + Math.floor(random() * CODES * WRITES_PER_CODE) : 0;
      const { child, url, dispatcher } = await spawnAgent(dir.path, selfKill);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      for (const write of [...pending.values()]) {
        if ((await send(url, dispatcher, write)) === 'down') break;
        retriedAfterCrash++;
      }
      if (!final) {
        const killAt = selfKill ? Infinity : 1 + Math.floor(random() * CODES * WRITES_PER_CODE);
        let answeredThisRound = 0;
        await Promise.all(
          Array.from({ length: CODES }, async (_, c) => {
            const code = `K${c}`;
            for (let w = 0; w < WRITES_PER_CODE && !pending.has(code); w++) {
              const write = nextWrite(code);
              pending.set(code, write);
              if ((await send(url, dispatcher, write)) === 'down') return;
              if (++answeredThisRound === killAt) child.kill('SIGKILL');
            }
          }),
        );
      } else {
        await checkReplays(url, dispatcher, answered);
      }
      child.kill('SIGKILL');
      await exited;
      await dispatcher.close();
    }

    const sim = readSimTables(join(dir.path, 'sim')).stored;
    const stored = new Map(Object.values(sim?.companies.KBS?.tables.GL_SubAccount ?? {}).map((row) => [row.SubAccountCode, row.SubAccountDesc]));
    const diff = [...latest].filter(([code, description]) => stored.get(code) !== description).length;
    console.info(JSON.stringify({ crashRounds: ROUNDS, writesAnswered: answered.length, retriedAfterCrash, foundAlreadyApplied: foundApplied, lost, selfConflicts, unansweredLeft: pending.size, stateDiff: diff }));
    expect({ lost, selfConflicts, unexpected, unansweredLeft: pending.size, diff }).toEqual({ lost: 0, selfConflicts: 0, unexpected: [], unansweredLeft: 0, diff: 0 });
    expect(answered.length).toBeGreaterThan(ROUNDS * 2);
    dir.remove();
  }, 120_000);
});
