// GL_SubAccount through the BOI: segment values such as departments, divisions and locations.
import { normaliseSegmentValue, segmentNo, type AccountStructure } from '../../gl/account-format.ts';
import { AgentError, validationError } from '../../errors.ts';
import { etagOf } from '../../etag.ts';
import type { Condition, Page, PageRequest, SubAccount, SubAccountInput, Upserted } from '../backend.ts';
import { browsePage } from './browse.ts';
import type { BusObject } from './com.ts';
import { comNumber } from './com-value.ts';
import { STATUS_CODES, STATUS_NAMES } from './objects.ts';
import type { BoiSession } from './session.ts';
import { needsWrite, setKeyValues, storedText, writeValues } from './write.ts';

function object(session: BoiSession): [string, string] {
  const { bus, task } = session.profile.objects.subAccount;
  return [bus, task];
}

function readRow(session: BoiSession, bus: BusObject): SubAccount {
  const visible = {
    segment: session.text(bus, 'SegmentNo$'),
    code: session.text(bus, 'SubAccountCode$'),
    description: session.text(bus, 'SubAccountDesc$'),
    shortDescription: session.text(bus, 'SubAccountShortDesc$'),
    status: STATUS_NAMES[session.text(bus, 'Status$')] ?? 'active',
  };
  return { ...visible, dateUpdated: session.text(bus, 'DateUpdated$'), etag: etagOf(visible) };
}

/** Checks the segment exists and normalises the code (zero-fill, upper-case) the way Sage will. */
export function normaliseSubAccountKey(structure: AccountStructure, segment: string, code: string): { segment: string; code: string } {
  const spec = structure.segments.find((s) => s.number > 1 && segmentNo(s.number) === segment.padStart(2, '0'));
  if (!spec) {
    const known = structure.segments.slice(1).map((s) => segmentNo(s.number)).join(', ');
    throw new AgentError('validation_failed', `segment ${segment} is not a sub-account segment of this company (segments: ${known || 'none'})`, { field: 'segment', rule: 'exists' });
  }
  const result = normaliseSegmentValue(spec, code);
  if ('violation' in result) throw validationError('code', result.violation.rule, result.violation.message);
  return { segment: segmentNo(spec.number), code: result.value };
}

export function listSubAccounts(session: BoiSession, segment: string, page: PageRequest): Page<SubAccount> {
  return session.withObject(...object(session), (bus) =>
    browsePage(session, bus, segment, page, () => {
      const row = readRow(session, bus);
      return row.segment === segment ? { key: row.code, item: row } : undefined;
    }),
  );
}

export function findSubAccount(session: BoiSession, key: { segment: string; code: string }): SubAccount | undefined {
  return session.withObject(...object(session), (bus) => {
    setKeyValues(session, bus, `sub-account ${key.segment}/${key.code}`, [
      ['SegmentNo$', key.segment],
      ['SubAccountCode$', key.code],
    ]);
    if (comNumber(bus.nFind()) === 0) return undefined;
    return readRow(session, bus);
  });
}

export function upsertSubAccount(session: BoiSession, structure: AccountStructure, input: SubAccountInput, condition: Condition): Upserted<SubAccount> {
  const key = normaliseSubAccountKey(structure, input.segment, input.code);
  const what = `sub-account ${key.segment}/${key.code}`;
  const description = storedText(input.description, 'description', true);
  const shortDescription = input.shortDescription === undefined ? undefined : storedText(input.shortDescription, 'shortDescription', false);
  const outcome = session.withObject(...object(session), (bus) => {
    setKeyValues(session, bus, what, [
      ['SegmentNo$', key.segment],
      ['SubAccountCode$', key.code],
    ]);
    const state = comNumber(bus.nSetKey());
    if (state === 0) throw session.fail(bus, `SetKey ${what}`);
    const current = state === 1 ? readRow(session, bus) : undefined;
    const desired = {
      description,
      shortDescription: shortDescription ?? current?.shortDescription ?? description.slice(0, 10).trimEnd(),
      status: input.status ?? current?.status ?? 'active',
    };
    const changes = !current || desired.description !== current.description || desired.shortDescription !== current.shortDescription || desired.status !== current.status;
    if (!needsWrite(bus, current, changes, condition, what)) return { outcome: 'unchanged' as const, warnings: [] };
    const warnings = writeValues(session, bus, what, [
      ['SubAccountDesc$', desired.description, 'description'],
      ['SubAccountShortDesc$', desired.shortDescription, 'shortDescription'],
      ['Status$', STATUS_CODES[desired.status], 'status'],
    ]);
    return { outcome: current ? ('updated' as const) : ('created' as const), warnings };
  });
  const record = findSubAccount(session, key);
  if (!record) throw new AgentError('internal_error', `${what} was written but cannot be read back`);
  return { ...outcome, record };
}
