// Pure helpers: date parsing and Retry-After forms, the dataset filter language, XML escaping, PRNG.
import { describe, expect, it } from 'vitest';
import { formatRetryAfter, parseSince, retryAfterInstant } from '../time.ts';
import { parseFilter, FilterError } from '../dataset-filter.ts';
import { el, renderXml } from '../xml.ts';
import { createPrng } from '../prng.ts';

describe('parseSince', () => {
  it.each([
    ['2024-01-01T00:00:00Z', Date.UTC(2024, 0, 1)],
    ['2024-01-01T02:00:00+02:00', Date.UTC(2024, 0, 1)],
    ['2024-01-01T02:00:00+0200', Date.UTC(2024, 0, 1)],
    ['2023-12-31T19:00:00-05:00', Date.UTC(2024, 0, 1)],
  ])('accepts %s', (text, ms) => expect(parseSince(text)).toBe(ms));

  it.each(['2024-01-01', '2024-01-01T00:00:00', '2024-01-01T00:00:00 00:00', 'garbage', ''])('rejects %j', (text) => expect(parseSince(text)).toBeUndefined());
});

describe('Retry-After', () => {
  const now = Date.UTC(1994, 10, 6, 8, 49, 30);
  const until = Date.UTC(1994, 10, 6, 8, 49, 37);
  it('renders the RFC 9110 example date in all three forms and as seconds', () => {
    expect(formatRetryAfter(until, now, 'imf-fixdate')).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(formatRetryAfter(until, now, 'rfc850')).toBe('Sunday, 06-Nov-94 08:49:37 GMT');
    expect(formatRetryAfter(until, now, 'asctime')).toBe('Sun Nov  6 08:49:37 1994');
    expect(formatRetryAfter(until, now, 'seconds')).toBe('7');
  });

  it('never tells a client to come back before the window ends', () => {
    const end = now + 2_400;
    for (const f of ['seconds', 'imf-fixdate', 'rfc850', 'asctime'] as const) expect(retryAfterInstant(end, now, f)).toBeGreaterThanOrEqual(end);
  });
});

describe('dataset filter', () => {
  const known = (n: string) => ['status', 'department', 'hireDate'].includes(n);
  const rows = [
    { status: 'Active', department: 'Yard', hireDate: '2020-01-01' },
    { status: 'Inactive', department: 'Sales', hireDate: '2019-05-01' },
    { status: 'Active', department: "O'Brien's", hireDate: '2021-03-01' },
  ];
  const ids = (text: string) => rows.map((r, i) => (parseFilter(text, known)(r) ? i : -1)).filter((i) => i >= 0);

  it('evaluates comparisons, in-lists, and/or and parentheses', () => {
    expect(ids("status eq 'Active'")).toEqual([0, 2]);
    expect(ids("department in ('Yard','Sales') and hireDate ge '2020-01-01'")).toEqual([0]);
    expect(ids("(status ne 'Active' or department eq 'Yard') and hireDate lt '2021-01-01'")).toEqual([0, 1]);
    expect(ids("department eq 'O''Brien''s'")).toEqual([2]);
  });

  it.each(["status eq", "status like 'A'", "nope eq 'x'", "status eq 'x' and", "(status eq 'x'", "status eq 'open"])('rejects %j', (text) => {
    expect(() => parseFilter(text, known)).toThrow(FilterError);
  });
});

describe('xml', () => {
  it('escapes markup and drops characters XML cannot carry', () => {
    expect(renderXml(el('a', { id: '"1"&' }, "<b>O'Neil\u0001"))).toBe('<?xml version="1.0"?>\n<a id="&quot;1&quot;&amp;">&lt;b&gt;O&apos;Neil</a>\n');
  });
});

describe('prng', () => {
  it('is reproducible per seed and differs between seeds', () => {
    const a = createPrng('x');
    const b = createPrng('x');
    const c = createPrng('y');
    const seq = (p: ReturnType<typeof createPrng>) => Array.from({ length: 5 }, () => p.int(0, 1000));
    const first = seq(a);
    expect(seq(b)).toEqual(first);
    expect(seq(c)).not.toEqual(first);
  });
});

describe('bounded memory', () => {
  it('TokenStore forgets expired codes and long-expired access tokens, and caps codes', async () => {
    const { TokenStore } = await import('../tokens.ts');
    const store = new TokenStore();
    const grant = { company: 'keystone', clientId: 'c', scopes: ['openid'] };
    for (let i = 0; i < 12_000; i++) store.issueCode(grant, 'https://x/cb', 0);
    expect(store.sizes().codes).toBeLessThanOrEqual(10_000);
    for (let i = 0; i < 3_000; i++) store.issueTokens({ ...grant, familyId: 'f' }, 60, 0, false);
    // Two hours on, everything above has expired long ago; the next issue sweeps it away.
    const later = 2 * 3600_000;
    const code = store.issueCode(grant, 'https://x/cb', later);
    const { accessToken } = store.issueTokens({ ...grant, familyId: 'g' }, 60, later, false);
    expect(store.sizes()).toMatchObject({ codes: 1, access: 1 });
    expect(store.redeemCode(code, 'c', 'https://x/cb', later).ok).toBe(true);
    expect(store.checkAccess(accessToken, later).ok).toBe(true);
  });

  it('Faults remembers at most a bounded number of throttled clients', async () => {
    const { Faults } = await import('../faults.ts');
    const { DEFAULT_SETTINGS } = await import('../options.ts');
    const settings = { ...DEFAULT_SETTINGS, throttle: { status: 429 as const, untilMs: 60_000, retryAfterFormat: 'seconds' as const } };
    const ctx = { settings, nowMs: () => 0, faultPrng: createPrng('x') } as unknown as import('../context.ts').HandlerContext;
    const faults = new Faults(ctx, 100);
    for (let i = 0; i < 1_000; i++) expect(faults.check(`Basic key-${i}`).throttled).toBe(true);
    expect(faults.trackedClients()).toBeLessThanOrEqual(100);
    // The most recent client is still recognised as coming back early.
    expect(faults.check('Basic key-999').earlyRetry).toBe(true);
  });
});
