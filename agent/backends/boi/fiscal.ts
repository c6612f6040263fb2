// Which fiscal year and period a calendar month falls in, read from Sage's fiscal calendar: fiscal
// years need not be calendar years and may have 13 periods (sage100.md §9). The API's `YYYY-MM` is a
// calendar month; its figure belongs to the period that contains the month's last day.
import { AgentError } from '../../errors.ts';
import { eachRow } from './browse.ts';
import type { BoiSession } from './session.ts';

export interface FiscalPeriod {
  year: string;
  period: string;
  /** `YYYYMMDD` */
  endDate: string;
}

export function readFiscalCalendar(session: BoiSession): FiscalPeriod[] {
  const object = session.profile.objects.fiscalCalendar;
  if (!object) throw new AgentError('not_supported', 'the site profile names no fiscal calendar object; run agent selftest');
  const columns = session.profile.fiscalColumns;
  const periods: FiscalPeriod[] = [];
  session.withObject(object, undefined, (bus) =>
    eachRow(session, bus, '', () => {
      periods.push({ year: session.text(bus, columns.year), period: session.text(bus, columns.period).padStart(2, '0'), endDate: session.text(bus, columns.endDate) });
    }),
  );
  return periods.filter((p) => /^\d{8}$/.test(p.endDate)).sort((a, b) => (a.endDate < b.endDate ? -1 : a.endDate > b.endDate ? 1 : 0));
}

function monthEnd(period: string): string {
  const [year = 0, month = 0] = period.split('-').map(Number);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(last).padStart(2, '0')}`;
}

/** Days between two `YYYYMMDD` dates (b - a). */
function daysBetween(a: string, b: string): number {
  const parse = (d: string): number => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)));
  return (parse(b) - parse(a)) / 86_400_000;
}

/** The fiscal period holding the last day of calendar month `YYYY-MM`; 422 when the calendar does not cover it. */
export function fiscalPeriodOf(calendar: readonly FiscalPeriod[], period: string): FiscalPeriod {
  const end = monthEnd(period);
  const index = calendar.findIndex((p) => p.endDate >= end);
  const found = calendar[index];
  // The first period's start is not known; a month far before its end is outside the calendar.
  if (!found || (index === 0 && daysBetween(end, found.endDate) > 31)) {
    throw new AgentError('validation_failed', `period ${period} is outside the fiscal years set up in Sage 100`, { field: 'period', rule: 'fiscalCalendar' });
  }
  return found;
}
