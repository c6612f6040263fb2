// Replays a recorded selftest transcript (from a real Sage 100, or any run) against the fake COM
// model and lists where the simulator answers differently: which objects and members exist, return
// codes of the calls whose answer does not depend on the company's data, and the JS types of what
// comes back (wrapper, string, number). This is how the simulator and a real Sage 100 are kept from
// silently drifting apart: a transcript from a customer's server that diverges says what to change.
import { comNumber, comTypeOf, isNothing } from '../backends/boi/com-value.ts';
import type { ByRef, ComRuntime } from '../backends/boi/com.ts';
import type { RecordedCall, RecordedValue } from './recorder.ts';
import type { Transcript } from './run.ts';

export interface Divergence {
  seq: number;
  call: string;
  recorded: string;
  replayed: string;
}

export interface ReplayReport {
  calls: number;
  compared: number;
  skipped: number;
  divergences: Divergence[];
}

/** Calls whose return code says how Sage behaves, not what data the company holds. */
const STRUCTURAL = new Set(['nSetUser', 'nSetDate', 'nSetModule', 'nSetProgram', 'nSetIndex', 'nSetKeyValue', 'nSetBrowseFilter', 'nSetValue', 'nClear']);
/** Calls that move to a record: their answers depend on the data, and so do the reads after them. */
const POSITIONING = new Set(['nFind', 'nSetKey', 'nMoveFirst', 'nEOF', 'nMoveNext']);

interface Live {
  target: Record<string, unknown> | undefined;
  /** False once the replay's record position differs from the recording's (different data). */
  aligned: boolean;
}

function show(value: RecordedValue | undefined, threw?: string): string {
  if (threw) return `threw (${threw})`;
  if (!value) return '(nothing)';
  return value.value === undefined ? value.type : `${value.type} ${JSON.stringify(value.value)}`;
}

export function replayTranscript(transcript: Transcript, com: ComRuntime, login: { user: string; password: string; company: string }): ReplayReport {
  const objects = new Map<string, Live>();
  const report: ReplayReport = { calls: transcript.calls.length, compared: 0, skipped: 0, divergences: [] };
  const diverge = (call: RecordedCall, recorded: string, replayed: string): void => {
    const shown = call.kind === 'get' ? call.member : `${call.member}(${call.args.map((a) => JSON.stringify(a)).join(', ')})`;
    report.divergences.push({ seq: call.seq, call: `${call.object}.${shown}`, recorded, replayed });
  };
  for (const call of transcript.calls) {
    if (call.object.startsWith('script#') && !objects.has(call.object)) objects.set(call.object, { target: com.createScript() as unknown as Record<string, unknown>, aligned: true });
    const live = objects.get(call.object);
    if (!live?.target) {
      report.skipped++;
      continue;
    }
    const target = live.target;
    if (call.kind === 'get') {
      const got = comTypeOf(target[call.member]);
      report.compared++;
      if (got !== call.result?.type) diverge(call, show(call.result), got);
      continue;
    }
    const refs: ByRef[] = [];
    const args = call.args.map((arg, i) => {
      if (call.member === 'nSetUser') return i === 0 ? login.user : login.password;
      if (call.member === 'nSetCompany') return login.company;
      if (arg !== null && typeof arg === 'object' && 'byRef' in arg) {
        const ref = com.byRef(arg.byRef.type === 'number' ? Number(arg.byRef.value ?? 0) : String(arg.byRef.value ?? ''));
        refs.push(ref);
        return ref;
      }
      if (arg !== null && typeof arg === 'object' && 'object' in arg) return objects.get(arg.object)?.target;
      return arg;
    });
    const method = target[call.member];
    if (typeof method !== 'function') {
      report.compared++;
      diverge(call, show(call.result, call.threw), 'no such member');
      continue;
    }
    let result: unknown;
    let threw: string | undefined;
    try {
      result = (method as (...a: unknown[]) => unknown).apply(target, args);
    } catch (error) {
      threw = (error as Error).message;
    }
    report.compared++;
    if (Boolean(threw) !== Boolean(call.threw)) {
      diverge(call, show(call.result, call.threw), threw ? `threw (${threw})` : comTypeOf(result));
      continue;
    }
    if (call.member === 'NewObject') {
      const made = !threw && !isNothing(result);
      if (made !== (call.result?.type === 'object')) diverge(call, call.result?.type === 'object' ? 'an object' : 'Nothing', made ? 'an object' : 'Nothing');
      if (call.result?.type === 'object' && typeof call.result.value === 'string') objects.set(call.result.value, { target: made ? (result as Record<string, unknown>) : undefined, aligned: true });
      continue;
    }
    if (threw) continue;
    if (POSITIONING.has(call.member)) {
      if (call.member !== 'nMoveNext') live.aligned = (call.member === 'nEOF' ? live.aligned : true) && comNumber(result) === comNumber(call.result?.value);
      continue;
    }
    const typeDiffers = comTypeOf(result) !== call.result?.type;
    const codeDiffers = (STRUCTURAL.has(call.member) || (call.member === 'nGetValue' && live.aligned)) && comNumber(result) !== comNumber(call.result?.value);
    const lookupDiffers = call.member === 'nLookupTask' && (comNumber(result) === 0) !== (comNumber(call.result?.value) === 0);
    if (typeDiffers || codeDiffers || lookupDiffers) diverge(call, show(call.result), `${comTypeOf(result)} ${JSON.stringify(comNumber(result))}`);
    const ref = refs[0];
    if (ref && call.byRef && live.aligned && comTypeOf(com.readByRef(ref)) !== call.byRef.type) diverge(call, `by-ref ${call.byRef.type}`, `by-ref ${comTypeOf(com.readByRef(ref))}`);
  }
  return report;
}
