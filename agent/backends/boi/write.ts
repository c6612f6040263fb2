// SetValue for each column, then Write, with BOI return codes turned into typed errors:
// 1 ok, -1 ok with a warning (kept for the response), 0 refused (read sLastErrorMsg).
import { AgentError, validationError } from '../../errors.ts';
import { checkCondition } from '../../etag.ts';
import type { Condition } from '../backend.ts';
import { comNumber, comText } from './com-value.ts';
import type { BusObject } from './com.ts';
import type { BoiSession } from './session.ts';

/**
 * The step before a write: checks the request's precondition against the current record, and says
 * whether anything needs writing. Either way the business object's record is released when no write
 * follows, so a refused or empty update never holds Sage's record lock.
 */
export function needsWrite(bus: BusObject, current: { etag: string } | undefined, changes: boolean, condition: Condition, what: string): boolean {
  try {
    checkCondition(current, changes, condition, what);
  } catch (error) {
    bus.nClear();
    throw error;
  }
  if (!changes) bus.nClear();
  return changes;
}

/** [column, value, request field it came from] */
export type ColumnValue = [string, string | number, string];

export function writeValues(session: BoiSession, bus: BusObject, what: string, values: readonly ColumnValue[]): string[] {
  const warnings: string[] = [];
  for (const [column, value, field] of values) {
    const rc = comNumber(bus.nSetValue(column, value));
    if (rc === 0) {
      const error = session.fail(bus, `SetValue ${column} on ${what}`);
      bus.nClear();
      // A refused value is a property of the request, not of Sage's state: name the field.
      if (error.code === 'sage_rejected') throw new AgentError('validation_failed', error.message, { field, rule: 'sage', sageMessage: error.details.sageMessage });
      throw error;
    }
    if (rc === -1) warnings.push(comText(bus.sLastErrorMsg));
  }
  const rc = comNumber(bus.nWrite());
  if (rc === 0) {
    const error = session.fail(bus, `Write ${what}`);
    bus.nClear();
    throw error;
  }
  if (rc === -1) warnings.push(comText(bus.sLastErrorMsg));
  return warnings;
}

/** SetKeyValue for each key column; a refusal (0) is Sage's answer, not something to ignore. */
export function setKeyValues(session: BoiSession, bus: BusObject, what: string, keys: ReadonlyArray<[string, string]>): void {
  for (const [column, value] of keys) {
    if (comNumber(bus.nSetKeyValue(column, value)) === 0) throw session.fail(bus, `SetKeyValue ${column} on ${what}`);
  }
}

/**
 * Text as Sage keeps it: its fixed-width columns come back without trailing blanks, so a value is
 * compared and written that way. Otherwise "Sales " never equals the stored "Sales", and every
 * re-sync of an unchanged record would be a change (428 without If-Match).
 */
export function storedText(value: string, field: string, required: boolean): string {
  const text = value.trimEnd();
  if (required && text === '') throw validationError(field, 'required', `${field} needs a non-blank value`);
  return text;
}
