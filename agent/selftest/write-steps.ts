// Optional selftest steps. --probe-lock: the installer holds one sub-account open in Sage, and the
// agent captures the real lock text (bounded waits, both for the lock to appear and to clear).
// --write-test: on a test company only, create, read back, update and deactivate one ZZAGENT
// sub-account through the agent's own driver, so the write path is proven on this Sage 100.
import { comNumber, comText } from '../backends/boi/com-value.ts';
import { compilePatterns } from '../profile/profile.ts';
import type { AccountStructure } from '../gl/account-format.ts';
import { segmentNo } from '../gl/account-format.ts';
import { findSubAccount, upsertSubAccount } from '../backends/boi/subaccounts.ts';
import type { BoiSession } from '../backends/boi/session.ts';
import type { ProbeContext } from './context.ts';

export interface LockProbe {
  segment: string;
  code: string;
  /** Longest wait for the lock to appear, and then for it to clear. */
  waitSeconds: number;
  intervalMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** One SetKey on the record: the lock's text, or undefined when the record is free (released at once). */
function trySetKey(ctx: ProbeContext, probe: LockProbe): string | undefined {
  const { bus, task } = ctx.profile.objects.subAccount;
  return ctx.with(bus, task, (object) => {
    object.nSetKeyValue('SegmentNo$', probe.segment);
    object.nSetKeyValue('SubAccountCode$', probe.code);
    const state = comNumber(object.nSetKey());
    const message = comText(object.sLastErrorMsg);
    object.nClear();
    return state === 0 ? message || '(no message)' : undefined;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function lockStep(ctx: ProbeContext, probe: LockProbe): Promise<void> {
  const attempts = Math.max(1, Math.ceil((probe.waitSeconds * 1000) / probe.intervalMs));
  let text: string | undefined;
  let tries = 0;
  while (tries < attempts && text === undefined) {
    tries++;
    text = trySetKey(ctx, probe);
    if (text === undefined && tries < attempts) await probe.sleep(probe.intervalMs);
  }
  const what = `${probe.segment}/${probe.code}`;
  if (text === undefined) {
    return void ctx.step('lock.capture', 'FAIL', `sub-account ${what} was never locked in ${tries} tries over ${probe.waitSeconds} s: open it in Sub Account Maintenance before running --probe-lock`, { tries });
  }
  let cleared = false;
  let waits = 0;
  while (!cleared && waits < attempts) {
    waits++;
    await probe.sleep(probe.intervalMs);
    cleared = trySetKey(ctx, probe) === undefined;
  }
  const patterns = compilePatterns(ctx.profile.messages);
  const matches = !('key' in patterns) && patterns.lock.test(text);
  if (!matches) ctx.profile.messages.lock = escapeRegExp(text);
  const clearing = cleared ? 'it cleared when the record was closed' : `it did not clear within ${probe.waitSeconds} s (close the record in Sage)`;
  ctx.step(
    'lock.capture',
    matches && cleared ? 'PASS' : 'UNKNOWN',
    `lock text: "${text}"; ${matches ? 'the lock pattern matches it' : 'the profile now matches this exact text: review it (it may name a user or workstation)'}; ${clearing}`,
    { text, matches, cleared, tries, waits },
  );
}

/** A company whose name marks it as a test company; writes are refused anywhere else. */
export function isTestCompany(name: string): boolean {
  return /\btest\b/i.test(name);
}

export function writeTestStep(ctx: ProbeContext, session: BoiSession, structure: AccountStructure): void {
  const name = session.companyName();
  if (!isTestCompany(name)) {
    return void ctx.step('write.refused', 'FAIL', `--write-test refused: company ${ctx.company} is "${name || '(name not available)'}", and its name does not mark it as a test company (it must contain the word TEST). Nothing was written.`, { name });
  }
  const alpha = structure.segments.slice(1).filter((s) => s.type === 'alphanumeric').sort((a, b) => b.length - a.length)[0];
  const spec = alpha ?? structure.segments[1];
  if (!spec) return void ctx.step('write.create', 'FAIL', 'the account structure has no sub-account segment');
  const segment = segmentNo(spec.number);
  const code = alpha ? 'ZZAGENT'.slice(0, spec.length) : '9'.repeat(spec.length);
  const steps: Array<[string, () => string]> = [
    ['write.create', () => `${upsertSubAccount(session, structure, { segment, code, description: 'ml-connector agent selftest' }, {}).outcome} ${segment}/${code}`],
    ['write.readBack', () => `read back: "${findSubAccount(session, { segment, code })?.description ?? '(missing)'}"`],
    ['write.update', () => update(session, structure, segment, code, { description: 'ml-connector selftest (updated)' })],
    ['write.deactivate', () => update(session, structure, segment, code, { status: 'inactive' })],
  ];
  for (const [id, run] of steps) {
    try {
      ctx.step(id, 'PASS', run());
    } catch (error) {
      const details = (error as { details?: { sageMessage?: string } }).details;
      return void ctx.step(id, 'FAIL', `${(error as Error).message}${details?.sageMessage ? ` [Sage: ${details.sageMessage}]` : ''}`);
    }
  }
}

function update(session: BoiSession, structure: AccountStructure, segment: string, code: string, change: { description?: string; status?: 'inactive' }): string {
  const current = findSubAccount(session, { segment, code });
  if (!current) throw new Error(`${segment}/${code} is missing`);
  const result = upsertSubAccount(session, structure, { segment, code, description: change.description ?? current.description, status: change.status ?? current.status }, { ifMatch: current.etag });
  return `${result.outcome}: "${result.record.description}", ${result.record.status}${result.warnings.length ? ` (warnings: ${result.warnings.join('; ')})` : ''}`;
}
