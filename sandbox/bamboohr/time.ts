// Date formats BambooHR uses, in one place: ISO 8601 with a `+00:00` offset for change timestamps,
// `YYYY-MM-DD` for dates, `YYYY-MM-DD HH:MM:SS` (UTC) for webhook bookkeeping.

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export const NO_DATE = '0000-00-00';

export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

export function dateOnly(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function sqlDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Webhook payload timestamps (`2026-01-31T18:42:00+0000`, as in BambooHR's docs). */
export function payloadTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+0000`;
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return dateOnly(d);
}

// `since` accepts exactly the documented forms: yyyy-mm-ddThh:mm:ss followed by Z, ±hh:mm or ±hhmm.
// A `+` sent unencoded arrives as a space and is rejected, as BambooHR does.
const SINCE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

export function parseSince(text: string | null): number | undefined {
  if (!text) return undefined;
  const m = SINCE.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  // Date.parse rolls impossible values over (Feb 30 → Mar 1, 24:00 → next day); RFC 3339 forbids them.
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (local.getUTCFullYear() !== year || local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day || local.getUTCHours() !== hour || local.getUTCMinutes() !== minute) return undefined;
  if (m[7] === 'Z') return local.getTime();
  const offHours = Number(m[7]!.slice(1, 3));
  const offMinutes = Number(m[7]!.slice(-2));
  if (offHours > 23 || offMinutes > 59) return undefined;
  const offset = (m[7]![0] === '-' ? -1 : 1) * (offHours * 60 + offMinutes) * 60_000;
  return local.getTime() - offset;
}

/** The three HTTP-date forms RFC 9110 makes recipients accept, plus delay-seconds. */
export type RetryAfterFormat = 'seconds' | 'imf-fixdate' | 'rfc850' | 'asctime';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

export function formatRetryAfter(untilMs: number, nowMs: number, format: RetryAfterFormat): string {
  if (format === 'seconds') return String(Math.max(0, Math.ceil((untilMs - nowMs) / 1000)));
  const d = new Date(Math.ceil(untilMs / 1000) * 1000);
  const day = DAYS[d.getUTCDay()]!;
  const mon = MONTHS[d.getUTCMonth()]!;
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  if (format === 'imf-fixdate') return `${day.slice(0, 3)}, ${two(d.getUTCDate())} ${mon} ${d.getUTCFullYear()} ${time} GMT`;
  if (format === 'rfc850') return `${day}, ${two(d.getUTCDate())}-${mon}-${two(d.getUTCFullYear() % 100)} ${time} GMT`;
  return `${day.slice(0, 3)} ${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()}`;
}

/** The instant a client was told it may retry: seconds count from now, dates are whole seconds. */
export function retryAfterInstant(untilMs: number, nowMs: number, format: RetryAfterFormat): number {
  if (format === 'seconds') return nowMs + Math.max(0, Math.ceil((untilMs - nowMs) / 1000)) * 1000;
  return Math.ceil(untilMs / 1000) * 1000;
}
