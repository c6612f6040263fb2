// A recorded transcript replayed against the fake COM model: the simulator that produced it agrees
// with itself call for call; a simulator that answers like another Sage 100 is caught, call by call.
import { describe, expect, it } from 'vitest';
import { SIM_PASSWORD, SIM_USER, SimDatabase } from '../backends/sim/database.ts';
import { fakeComRuntime } from '../backends/sim/fake-com.ts';
import { parseVariant, STRICT_VARIANT, type SimVariant } from '../backends/sim/variant.ts';
import { replayTranscript } from './replay.ts';
import { runSelftest, type Transcript } from './run.ts';

const LOGIN = { user: SIM_USER, password: SIM_PASSWORD, company: 'KBS' };

async function transcriptOf(variant: SimVariant): Promise<Transcript> {
  const result = await runSelftest({ com: fakeComRuntime(new SimDatabase(), [], variant), environment: { platform: 'linux', arch: 'x64', node: 'v22', runtime: 'simulator' }, homePath: 'H', user: SIM_USER, password: SIM_PASSWORD, company: 'KBS', today: '20261128' });
  return JSON.parse(JSON.stringify(result.transcript)) as Transcript;
}

describe('replaying a selftest transcript against the simulator', () => {
  it('the simulator that recorded it answers the same, call for call', async () => {
    const transcript = await transcriptOf(STRICT_VARIANT);
    const report = replayTranscript(transcript, fakeComRuntime(new SimDatabase()), LOGIN);
    expect(report.divergences).toEqual([]);
    expect(report.compared).toBe(transcript.calls.length);
  });

  it('a Sage 100 that differs from the simulator is caught where it differs', async () => {
    // As if recorded on a real site whose options object is missing, whose properties are typed
    // strings and whose budget columns have other names; replayed on the strict simulator.
    const transcript = await transcriptOf(parseVariant('no-options,plain-properties,legacy-budget') as SimVariant);
    const report = replayTranscript(transcript, fakeComRuntime(new SimDatabase()), LOGIN);
    const calls = report.divergences.map((d) => `${d.call} | ${d.recorded} | ${d.replayed}`);
    expect(calls).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/NewObject\("GL_Options_svc".*\| Nothing \| an object/),
        expect.stringMatching(/sLastErrorMsg \| string .*\| wrapper$/),
        expect.stringMatching(/nSetKeyValue\("BudgetPlanNo\$", "ORIGINAL"\) \| number 1 \| number 0/),
      ]),
    );
  });

  it('a member one side has and the other lacks is a difference (the kACCOUNT index)', async () => {
    const transcript = await transcriptOf(STRICT_VARIANT);
    const report = replayTranscript(transcript, fakeComRuntime(new SimDatabase(), [], { ...STRICT_VARIANT, accountIndex: true }), LOGIN);
    expect(report.divergences.map((d) => `${d.call} | ${d.recorded} | ${d.replayed}`)).toEqual(expect.arrayContaining([expect.stringMatching(/GL_Account_bus#\d+\.nSetIndex \| undefined \| function/)]));
  });

  it('reads that depend on the company’s data are not differences (a bigger chart of accounts)', async () => {
    const transcript = await transcriptOf(STRICT_VARIANT);
    const smaller = new SimDatabase();
    const accounts = smaller.companies.KBS!.tables.GL_Account;
    for (const key of Object.keys(accounts).slice(3)) delete accounts[key];
    const report = replayTranscript(transcript, fakeComRuntime(smaller), LOGIN);
    expect(report.divergences.filter((d) => !/nFind|nSetKey\(/.test(d.call))).toEqual([]);
  });
});
