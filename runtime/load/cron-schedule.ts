// Cron schedules and time zones, checked before anything runs: node-cron decides what it can
// schedule; this module says why in the user's terms, at the offending field, and refuses the few
// things node-cron lets through that are surely mistakes (`*/75`, `1-60`).
import { CRON_SHORTHANDS, cronRefusals, type CronRefusal } from '../lib/cron.ts';
import { closestMatch } from '../util/did-you-mean.ts';

export interface ScheduleProblem {
  message: string;
  /** Character offset in the schedule the problem starts at. */
  offset: number;
  hint?: string;
}

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const SECOND: FieldRule = { name: 'second', min: 0, max: 59 };
const FIVE_FIELDS: readonly FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];
const NODE_CRON_FIELDS: Record<string, string> = { second: 'second', minute: 'minute', hour: 'hour', dayOfMonth: 'day of month', month: 'month', dayOfWeek: 'day of week' };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const EXAMPLE = "'*/15 * * * *' (every 15 minutes) or '0 2 * * 0' (Sundays at 02:00)";

/** Fields with their offsets in the expression. */
function splitFields(expression: string): { text: string; offset: number }[] {
  return [...expression.matchAll(/\S+/g)].map((m) => ({ text: m[0], offset: m.index ?? 0 }));
}

export function checkSchedule(expression: string): ScheduleProblem[] {
  const fields = splitFields(expression);
  const first = fields[0];
  if (!first) return [{ message: 'the schedule is empty', offset: 0, hint: `write a cron expression, e.g. ${EXAMPLE}` }];
  if (first.text.startsWith('@')) {
    if (fields.length === 1 && (CRON_SHORTHANDS as readonly string[]).includes(first.text)) return [];
    const suggestion = closestMatch(first.text, CRON_SHORTHANDS);
    return [{ message: `'${first.text}' is not a schedule shorthand${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`, offset: first.offset, hint: `shorthands: ${CRON_SHORTHANDS.join(', ')}` }];
  }
  if (fields.length !== 5 && fields.length !== 6) {
    const prose = fields.some((f) => /^[A-Za-z]{3,}$/.test(f.text) && !/^(MON|TUE|WED|THU|FRI|SAT|SUN|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)$/i.test(f.text));
    return [
      {
        message: prose
          ? `'${expression.trim()}' is not a cron expression`
          : `the schedule has ${fields.length} field${fields.length === 1 ? '' : 's'}; cron needs 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)`,
        offset: first.offset,
        hint: `e.g. ${EXAMPLE}; shorthands ${CRON_SHORTHANDS.join(', ')} work too`,
      },
    ];
  }
  const rules = fields.length === 6 ? [SECOND, ...FIVE_FIELDS] : FIVE_FIELDS;
  const problems = fields.flatMap((field, i) => checkField(field.text, rules[i] as FieldRule).map((p) => ({ ...p, offset: field.offset + p.offset })));
  if (problems.length > 0) return problems;
  return cronRefusals(expression).map((refusal) => explainRefusal(refusal, fields, rules));
}

/** One field, part by part: `*`, `a`, `a-b`, each with an optional `/step`; names, L, W and # are left to node-cron. */
function checkField(text: string, rule: FieldRule): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  let offset = 0;
  for (const part of text.split(',')) {
    const at = offset;
    offset += part.length + 1;
    if (/^H\b|^H[/(]/.test(part)) {
      problems.push({ message: `'H' is Jenkins' hashed value, not cron`, offset: at, hint: `pick the ${rule.name} yourself, e.g. '${part.replace(/^H/, part.includes('/') ? '*' : '7')}'` });
      continue;
    }
    const match = /^(\*|\?|\d+|[A-Za-z]{3})(?:-(\d+|[A-Za-z]{3}))?(?:\/(\d+))?$/.exec(part);
    if (!match) continue;
    const [, start = '', end, step] = match;
    for (const [value, shift] of [[start, 0], [end, start.length + 1]] as const) {
      if (value === undefined || !/^\d+$/.test(value)) continue;
      const n = Number(value);
      if (n < rule.min || n > rule.max) problems.push({ message: `${rule.name} ${n} is out of range (${rule.min}-${rule.max})`, offset: at + shift, hint: rangeHint(rule) });
    }
    if (step !== undefined) {
      const n = Number(step);
      const stepAt = at + part.indexOf('/') + 1;
      const span = rule.max - rule.min + 1;
      if (n === 0) problems.push({ message: `a step of 0 never advances (${rule.name} '${part}')`, offset: stepAt, hint: `use */1 or * for every ${rule.name}` });
      else if (n >= span) problems.push({ message: `step ${n} is larger than the ${rule.name} range (${rule.min}-${rule.max}): '${part}' fires only once`, offset: stepAt, hint: `write the single value instead, or a step below ${span}` });
    }
  }
  return problems;
}

function rangeHint(rule: FieldRule): string {
  const names = rule.names ? ` or ${rule.names[0]}-${rule.names[rule.names.length - 1]}` : '';
  const sunday = rule.name === 'day of week' ? ' (0 and 7 are Sunday)' : '';
  return `${rule.name} is ${rule.min}-${rule.max}${names}${sunday}`;
}

/** node-cron refused what the part-by-part check let pass: an impossible date, a malformed part. */
function explainRefusal(refusal: CronRefusal, fields: readonly { text: string; offset: number }[], rules: readonly FieldRule[]): ScheduleProblem {
  const name = NODE_CRON_FIELDS[refusal.field] ?? refusal.field;
  const index = rules.findIndex((r) => r.name === name);
  const field = fields[index] ?? fields[0] ?? { text: '', offset: 0 };
  if (/impossible day of month/.test(refusal.message)) {
    const monthField = fields[index + 1]?.text ?? '';
    const months = monthField.split(',').map((m) => MONTHS[Number(m) - 1] ?? m).join(', ');
    return { message: `day ${field.text} never comes in ${months}: this schedule would never run`, offset: field.offset, hint: 'the scheduler refuses a date that never comes; pick a day every month has (1-28), or a month that has it' };
  }
  return { message: `'${field.text}' is not a valid ${name}`, offset: field.offset, hint: `${rangeHint(rules[index] ?? FIVE_FIELDS[0] as FieldRule)}; parts are separated by commas, ranges are a-b, steps */n or a-b/n` };
}

/** Legacy names still in wide use that Intl accepts but does not list, so they can be suggested. */
const ALIASES = ['UTC', 'GMT', 'US/Eastern', 'US/Central', 'US/Mountain', 'US/Pacific', 'US/Alaska', 'US/Hawaii', 'US/Arizona', 'Canada/Eastern', 'Canada/Central', 'Canada/Mountain', 'Canada/Pacific'];

/** IANA zone names, aliases (UTC, US/Eastern) included, as the runtime's Intl knows them. */
export function checkTimeZone(zone: string): { message: string; hint: string } | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return undefined;
  } catch {
    const known = [...Intl.supportedValuesOf('timeZone'), ...ALIASES];
    const suggestion = closestMatch(zone, known);
    return {
      message: `'${zone}' is not an IANA time zone${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`,
      hint: "a name from the IANA time zone database, e.g. America/New_York, Europe/Berlin or UTC",
    };
  }
}
