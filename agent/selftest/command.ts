// `ml-connector agent selftest`: run the probes against Sage 100 (or the simulator), print one line
// per step, write the transcript and the site profile; `--replay` checks a recorded transcript
// against the simulator instead.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type CliIo, type Command } from '../../runtime/cli/command.ts';
import type { ComRuntime } from '../backends/boi/com.ts';
import { loadWinaxRuntime } from '../backends/boi/winax.ts';
import { SIM_PASSWORD, SIM_USER, SimDatabase } from '../backends/sim/database.ts';
import { fakeComRuntime } from '../backends/sim/fake-com.ts';
import { STRICT_VARIANT } from '../backends/sim/variant.ts';
import { simVariant } from '../command.ts';
import { agentVersion } from '../index.ts';
import { loadProfileFile, ProfileError } from '../profile/load.ts';
import { replayTranscript } from './replay.ts';
import { runSelftest, type SelftestOptions, type Transcript } from './run.ts';

const USAGE = `Usage: ml-connector agent selftest --backend boi --home PATH --user NAME --company CODE [options]
       ml-connector agent selftest --backend sim [--sim-variant LIST] [options]
       ml-connector agent selftest --replay selftest-transcript.json [--sim-variant LIST]

Finds out what this Sage 100 actually answers, read-only, and prints PASS / FAIL / UNKNOWN per step.
Writes selftest-transcript.json (send it to support) and sage-profile.json (start the agent with
--profile sage-profile.json). Exit 0 = no FAIL. The Sage password is read from SAGE100_PASSWORD.

  --out DIR               Where to write both files. Default: the current folder.
  --headcount-account M   The NonFin main account for headcount. Default 9900.
  --budget-code CODE      The Budget Code holding headcount. Default HEADCOUNT.
  --account-format F      The AccountFormat (e.g. -N04N02A03N02), when GL options cannot be read.
  --profile FILE          Start from this profile instead of the built-in guesses.
  --probe-lock SEG/CODE   Hold sub-account SEG/CODE open in Sub Account Maintenance first: the real lock
                          text is captured. --lock-wait S bounds each wait (default 120 s).
  --write-test            On a test company only (its name contains TEST): create, read back, update
                          and deactivate one ZZAGENT sub-account.
  --sim-variant LIST      (sim) pretend to be another Sage 100; see 'agent --help'.
  --replay FILE           Replay a transcript against the simulator and list where it answers differently.
`;

export interface SelftestDeps {
  /** The simulated Sage 100 for --backend sim (tests pass one with locks or refused rights). */
  simDatabase?: () => SimDatabase;
  sleep?: (ms: number) => Promise<void>;
}

const OPTIONS = {
  backend: { type: 'string', default: 'sim' },
  home: { type: 'string' },
  user: { type: 'string' },
  company: { type: 'string' },
  out: { type: 'string' },
  'headcount-account': { type: 'string' },
  'budget-code': { type: 'string' },
  'account-format': { type: 'string' },
  profile: { type: 'string' },
  'probe-lock': { type: 'string' },
  'lock-wait': { type: 'string', default: '120' },
  'write-test': { type: 'boolean', default: false },
  'sim-variant': { type: 'string' },
  replay: { type: 'string' },
} as const;

function replay(file: string, variant: string | undefined, io: CliIo): number {
  const transcript = JSON.parse(readFileSync(resolve(io.cwd, file), 'utf8')) as Transcript;
  if (transcript.kind !== 'ml-connector-sage100-selftest') throw new UsageError(`${file} is not a selftest transcript`);
  const com = fakeComRuntime(new SimDatabase(), [], variant ? simVariant(variant) : STRICT_VARIANT);
  const report = replayTranscript(transcript, com, { user: SIM_USER, password: SIM_PASSWORD, company: 'KBS' });
  for (const d of report.divergences) io.stdout(`DIFFERS  #${d.seq} ${d.call}: Sage answered ${d.recorded}, the simulator ${d.replayed}\n`);
  io.stdout(`${report.divergences.length} difference(s) in ${report.compared} compared calls (${report.skipped} skipped after a missing object) of ${report.calls}\n`);
  return report.divergences.length === 0 ? EXIT.ok : EXIT.invalid;
}

async function target(values: { backend: string; home?: string; user?: string; company?: string; 'sim-variant'?: string }, io: CliIo, deps: SelftestDeps): Promise<Pick<SelftestOptions, 'com' | 'environment' | 'homePath' | 'user' | 'password' | 'company'>> {
  const env = { platform: process.platform, arch: process.arch, node: process.version };
  if (values.backend === 'sim') {
    const db = deps.simDatabase?.() ?? new SimDatabase();
    const com = fakeComRuntime(db, [], values['sim-variant'] ? simVariant(values['sim-variant']) : STRICT_VARIANT);
    return { com, environment: { ...env, runtime: 'simulator' }, homePath: 'C:\\Sage\\Sage 100 Standard\\MAS90\\Home', user: values.user ?? SIM_USER, password: io.env.SAGE100_PASSWORD ?? SIM_PASSWORD, company: values.company ?? 'KBS' };
  }
  if (values.backend !== 'boi') throw new UsageError(`--backend must be sim or boi, not '${values.backend}'`);
  if (!values.home || !values.user || !values.company) throw new UsageError('--backend boi needs --home, --user and --company');
  const password = io.env.SAGE100_PASSWORD;
  if (!password) throw new UsageError('the Sage 100 password is read from the SAGE100_PASSWORD environment variable');
  let com: ComRuntime;
  try {
    com = await loadWinaxRuntime();
  } catch (error) {
    // Reported as the environment step by the caller: not a usage mistake, a FAIL to act on.
    com = { createScript: () => { throw error; }, byRef: () => { throw error; }, readByRef: () => undefined };
  }
  return { com, environment: { ...env, runtime: 'winax' }, homePath: values.home, user: values.user, password, company: values.company };
}

export function createSelftestCommand(deps: SelftestDeps = {}): Command {
  return {
    name: 'agent selftest',
    summary: 'Probe Sage 100 (read-only) and write a site profile for the agent',
    usage: USAGE,
    async run(args, io) {
      const { values } = parseArgs({ args, options: OPTIONS, strict: true });
      if (values.replay) return replay(values.replay, values['sim-variant'], io);
      const wait = Number(values['lock-wait']);
      if (!Number.isFinite(wait) || wait <= 0 || wait > 3600) throw new UsageError(`--lock-wait must be 1-3600 seconds, not '${values['lock-wait']}'`);
      const lock = values['probe-lock']?.match(/^(\d{1,2})\/([A-Za-z0-9]{1,15})$/);
      if (values['probe-lock'] && !lock) throw new UsageError(`--probe-lock needs SEG/CODE, e.g. 03/OPS, not '${values['probe-lock']}'`);
      let start;
      try {
        start = values.profile ? loadProfileFile(resolve(io.cwd, values.profile)).profile : undefined;
      } catch (error) {
        if (!(error instanceof ProfileError)) throw error;
        io.stderr(`ml-connector agent selftest: ${error.message}\n`);
        return EXIT.invalid;
      }
      const result = await runSelftest({
        ...(await target(values, io, deps)),
        version: agentVersion(),
        ...(values['headcount-account'] ? { headcountAccount: values['headcount-account'] } : {}),
        ...(values['budget-code'] ? { budgetCode: values['budget-code'] } : {}),
        ...(values['account-format'] ? { accountFormat: values['account-format'] } : {}),
        ...(start ? { profile: start } : {}),
        ...(lock ? { probeLock: { segment: (lock[1] ?? '').padStart(2, '0'), code: (lock[2] ?? '').toUpperCase(), waitSeconds: wait, intervalMs: 1000, sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))) } } : {}),
        writeTest: values['write-test'],
      });
      for (const step of result.steps) io.stdout(`${step.status.padEnd(8)} ${step.id.padEnd(26)} ${step.detail}\n`);
      const counts = ['PASS', 'FAIL', 'UNKNOWN'].map((s) => `${result.steps.filter((x) => x.status === s).length} ${s}`).join(', ');
      if (!result.sessionOpened) {
        io.stdout(`${counts}. No Sage 100 session could be opened, so nothing was written: fix the FAIL above and run again.\n`);
        return EXIT.invalid;
      }
      const out = resolve(io.cwd, values.out ?? '.');
      writeFileSync(join(out, 'selftest-transcript.json'), `${JSON.stringify(result.transcript, null, 2)}\n`);
      writeFileSync(join(out, 'sage-profile.json'), `${JSON.stringify(result.profile, null, 2)}\n`);
      const verdict = result.ok ? `verified${result.profile.verified?.headcount ? ', headcount included' : ', without headcount'}` : 'NOT verified (see FAIL above)';
      io.stdout(`${counts}. Wrote ${join(out, 'sage-profile.json')} (${verdict}) and ${join(out, 'selftest-transcript.json')}.\n`);
      return result.ok ? EXIT.ok : EXIT.invalid;
    },
  };
}

export const agentSelftestCommand = createSelftestCommand();
