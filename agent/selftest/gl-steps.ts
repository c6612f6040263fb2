// Selftest steps 4–7: the account format (GL_Options with and without its ModuleCode key), the
// by-reference probe, a sub-account browse, and the decisive GL_Account probe: AccountKey/Account
// pairs and which look-up by formatted account returns the right AccountKey.
import { parseAccountFormat, type AccountStructure } from '../gl/account-format.ts';
import type { BusObject } from '../backends/boi/com.ts';
import { rc, text, type ProbeContext } from './context.ts';

/** GL_Options read without and with the key; the parsed format, or one inferred from the accounts. */
export function optionsStep(ctx: ProbeContext, given: string | undefined, sampleAccounts: readonly string[]): AccountStructure | undefined {
  const options = ctx.profile.objects.options;
  const tries: Record<string, unknown> = {};
  let format: string | undefined;
  if (options) {
    ctx.with(options.name, undefined, (bus) => {
      tries.withoutKey = rc(bus.nFind());
      tries.withoutKeyMessage = text(bus.sLastErrorMsg);
      bus.nClear();
      tries.setKeyValue = rc(bus.nSetKeyValue('ModuleCode$', 'G/L'));
      tries.withKey = rc(bus.nFind());
      if (tries.withKey === 1) format = ctx.text(bus, 'AccountFormat$');
      else {
        tries.withKeyMessage = text(bus.sLastErrorMsg);
        bus.nClear();
        // A release whose options answer only without the key: read it that way (profile key null).
        if (tries.withoutKey === 1 && rc(bus.nFind()) === 1) format = ctx.text(bus, 'AccountFormat$');
      }
    });
    if (!format && tries.withoutKey === 1) ctx.profile.objects.options = { name: options.name, key: null };
  }
  const source = format ? 'Sage' : given ? '--account-format' : `${sampleAccounts.length} accounts (inferred)`;
  format ??= given ?? inferFormat(sampleAccounts);
  let structure: AccountStructure | undefined;
  try {
    structure = format ? parseAccountFormat(format) : undefined;
  } catch (error) {
    ctx.step('gl.accountFormat', 'FAIL', `account format '${format}' from ${source} cannot be read: ${(error as Error).message}`, { tries });
    return undefined;
  }
  if (!structure || !format) {
    ctx.step('gl.accountFormat', 'FAIL', 'the account format could not be read from GL options nor inferred from accounts; give it with --account-format (e.g. -N04N02A03N02)', { tries });
    return undefined;
  }
  if (source !== 'Sage') ctx.profile.accountFormat = format;
  const detail = `AccountFormat ${format} (${structure.segments.map((s) => `${s.type === 'numeric' ? 'N' : 'A'}${s.length}`).join(' ')}) from ${source}; find without key = ${String(tries.withoutKey ?? '-')}, with ModuleCode G/L = ${String(tries.withKey ?? '-')}`;
  ctx.step('gl.accountFormat', source === 'Sage' ? 'PASS' : 'UNKNOWN', source.endsWith('(inferred)') ? `${detail}; confirm it in Account Structure Maintenance or give --account-format` : detail, { format, source, tries });
  return structure;
}

/** The format the formatted accounts follow: one separator, per segment the longest length and N if all digits. */
export function inferFormat(accounts: readonly string[]): string | undefined {
  const separator = accounts[0]?.match(/[^A-Za-z0-9]/)?.[0];
  if (!separator) return undefined;
  const split = accounts.map((a) => a.split(separator));
  const count = split[0]?.length ?? 0;
  if (count === 0 || split.some((parts) => parts.length !== count)) return undefined;
  const blocks = Array.from({ length: count }, (_, i) => {
    const values = split.map((parts) => parts[i] ?? '');
    const length = Math.max(...values.map((v) => v.length));
    return `${values.every((v) => /^\d+$/.test(v)) ? 'N' : 'A'}${String(length).padStart(2, '0')}`;
  });
  return separator + blocks.join('');
}

/** nGetValue on a `$` column with a string and with a numeric by-ref variant. */
export function byRefStringStep(ctx: ProbeContext): void {
  const { bus, task } = ctx.profile.objects.subAccount;
  const result = ctx.with(bus, task, (object) => {
    if (ctx.browse(object, '', 1, () => undefined) === 0) return undefined;
    object.nMoveFirst();
    return { asString: ctx.get(object, 'SubAccountDesc$', ''), asNumber: ctx.get(object, 'SubAccountDesc$', 0) };
  });
  if (!result) return void ctx.step('byref.string', 'UNKNOWN', 'no sub-account to read a string column from');
  const works = result.asString.rc === 1 ? 'string' : result.asNumber.rc === 1 ? 'number' : undefined;
  if (works) ctx.profile.byRef.string = works;
  const show = (r: typeof result.asString): string => `rc ${r.rc}, ${r.type}${r.message ? ` (${r.message})` : ''}`;
  ctx.step('byref.string', works ? 'PASS' : 'FAIL', `SubAccountDesc$ with '' → ${show(result.asString)}; with 0 → ${show(result.asNumber)}`, { ...result });
}

export function subAccountStep(ctx: ProbeContext): void {
  const { bus, task } = ctx.profile.objects.subAccount;
  const rows: string[] = [];
  const read = ctx.with(bus, task, (object) => ctx.browse(object, '', 20, () => rows.push(`${ctx.text(object, 'SegmentNo$')}/${ctx.text(object, 'SubAccountCode$')}`)));
  if (read === undefined) return void ctx.step('gl.subAccountBrowse', 'FAIL', `${bus} could not be created`);
  ctx.step('gl.subAccountBrowse', rows.length ? 'PASS' : 'UNKNOWN', rows.length ? `first rows: ${rows.slice(0, 8).join(', ')}` : 'GL_SubAccount is empty', { rows });
}

interface Pair {
  accountKey: string;
  account: string;
}

function lookups(ctx: ProbeContext, target: Pair): Record<string, { rc?: number; accountKey?: string; ok: boolean; note?: string }> {
  const { bus, task } = ctx.profile.objects.account;
  const out: ReturnType<typeof lookups> = {};
  const attempt = (name: string, find: (object: BusObject) => number | undefined): void => {
    const result = ctx.with(bus, task, (object) => {
      try {
        const found = find(object);
        if (found === undefined) return { ok: false, note: 'not available' };
        const accountKey = found === 1 ? ctx.text(object, 'AccountKey$') : undefined;
        return { rc: found, ...(accountKey !== undefined ? { accountKey } : {}), ok: accountKey === target.accountKey, ...(found === 1 ? {} : { note: text(object.sLastErrorMsg) }) };
      } catch (error) {
        return { ok: false, note: `COM error: ${(error as Error).message}` };
      }
    });
    out[name] = result ?? { ok: false, note: 'object not created' };
  };
  attempt('setKeyValue+find', (o) => (rc(o.nSetKeyValue('Account$', target.account)), rc(o.nFind())));
  attempt('setIndex+find', (o) => (typeof o.nSetIndex !== 'function' ? undefined : (rc(o.nSetIndex(ctx.profile.accountLookup.index)), rc(o.nSetKeyValue('Account$', target.account)), rc(o.nFind()))));
  attempt('find(key)', (o) => rc(o.nFind(target.account)));
  return out;
}

/** The first rows' AccountKey/Account pairs and the candidate look-ups; returns the accounts seen. */
export function accountStep(ctx: ProbeContext): string[] {
  const { bus, task } = ctx.profile.objects.account;
  const pairs: Pair[] = [];
  const read = ctx.with(bus, task, (object) => ctx.browse(object, '', 500, () => pairs.push({ accountKey: ctx.text(object, 'AccountKey$'), account: ctx.text(object, 'Account$') })));
  if (read === undefined) {
    ctx.step('gl.accountProbe', 'FAIL', `${bus} could not be created`);
    return [];
  }
  const target = pairs[pairs.length > 1 ? 1 : 0];
  if (!target) {
    ctx.step('gl.accountProbe', 'UNKNOWN', 'GL_Account is empty: nothing to look up; the agent scans', { pairs });
    return [];
  }
  const tried = lookups(ctx, target);
  const keyOrder = pairs.every((p, i) => i === 0 || (pairs[i - 1]?.accountKey ?? '') <= p.accountKey);
  ctx.profile.accountLookup = { ...ctx.profile.accountLookup, method: tried['setIndex+find']?.ok ? 'index' : 'scan' };
  const summary = Object.entries(tried).map(([name, r]) => `${name}: ${r.ok ? 'right AccountKey' : `${r.rc === undefined ? '' : `rc ${r.rc} `}${r.accountKey !== undefined ? `AccountKey ${r.accountKey}` : (r.note ?? 'no')}`}`).join('; ');
  const first = pairs.slice(0, 3).map((p) => `${p.accountKey}=${p.account}`).join(', ');
  ctx.step('gl.accountProbe', 'PASS', `browse order is ${keyOrder ? 'AccountKey' : 'not AccountKey'} order (${first}, …); looking up ${target.account} (AccountKey ${target.accountKey}): ${summary}; the agent will ${ctx.profile.accountLookup.method === 'index' ? 'use the kACCOUNT index' : 'scan and match'}`, { pairs: pairs.slice(0, 10), target, tried, rows: pairs.length });
  return pairs.map((p) => p.account);
}
