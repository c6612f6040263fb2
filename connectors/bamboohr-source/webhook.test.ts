import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../../runtime/index.ts';
import { deliveryKeys, MAX_WEBHOOK_BYTES, verifyDelivery } from './webhook.ts';

const KEY = '123b929362d51613054f71e5e5d4bf2c';
const TS = '1658248023';
const BODY = '{"employees":[{"changedFields":["First name"],"fields":{"Employee #":{"value":"300"},"First name":{"value":"Tefi"},"Last name":{"value":"Adams"}},"id":"5"}]}';
const VECTOR = '56491dd9c2b352bc5f4fc627159aae20ddff9c8cb19f239a6de6771dc5310bac';

const sign = (key: string, body: Buffer | string, ts: string): string => createHmac('sha256', key).update(Buffer.concat([Buffer.from(body), Buffer.from(ts)])).digest('hex');
function delivery(body: Buffer | string, headers: Record<string, string>, contentType = 'application/json'): WebhookDelivery {
  return { headers: { 'content-type': contentType, ...headers }, rawBody: Buffer.from(body), receivedAt: new Date(Number(TS) * 1000) };
}
const signed = (body: string, key = KEY, ts = TS, contentType?: string): WebhookDelivery =>
  delivery(body, { 'x-bamboohr-signature': sign(key, body, ts), 'x-bamboohr-timestamp': ts }, contentType);

/** A small seeded PRNG so the forgery runs are the same every time. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('webhook verify (WH-1, WH-2, WH-4, WH-5, WH-11)', () => {
  it('accepts the known-answer vector and returns the signed time; a 1-byte mutation is refused', () => {
    const verdict = verifyDelivery(delivery(BODY, { 'x-bamboohr-signature': VECTOR, 'x-bamboohr-timestamp': TS }), [KEY]);
    expect(verdict).toEqual({ ok: true, signedAt: new Date(1658248023 * 1000) });
    const mutated = BODY.replace('Tefi', 'Tefj');
    expect(verifyDelivery(delivery(mutated, { 'x-bamboohr-signature': VECTOR, 'x-bamboohr-timestamp': TS }), [KEY]).ok).toBe(false);
  });

  it('refuses the negative matrix without throwing', () => {
    const good = sign(KEY, BODY, TS);
    const cases: Record<string, Record<string, string>> = {
      'missing signature': { 'x-bamboohr-timestamp': TS },
      'missing timestamp': { 'x-bamboohr-signature': good },
      'timestamp hello': { 'x-bamboohr-signature': good, 'x-bamboohr-timestamp': 'hello' },
      'empty signature': { 'x-bamboohr-signature': '', 'x-bamboohr-timestamp': TS },
      'empty timestamp': { 'x-bamboohr-signature': good, 'x-bamboohr-timestamp': '' },
      'non-hex': { 'x-bamboohr-signature': 'z'.repeat(64), 'x-bamboohr-timestamp': TS },
      'odd length': { 'x-bamboohr-signature': good.slice(0, 63), 'x-bamboohr-timestamp': TS },
      '65 chars': { 'x-bamboohr-signature': `${good}0`, 'x-bamboohr-timestamp': TS },
      'truncated': { 'x-bamboohr-signature': good.slice(0, 32), 'x-bamboohr-timestamp': TS },
      'upper-case hex': { 'x-bamboohr-signature': good.toUpperCase(), 'x-bamboohr-timestamp': TS },
      'sha256= prefix': { 'x-bamboohr-signature': `sha256=${good}`, 'x-bamboohr-timestamp': TS },
      'wrong key': { 'x-bamboohr-signature': sign('another-key', BODY, TS), 'x-bamboohr-timestamp': TS },
      'timestamp + 1': { 'x-bamboohr-signature': good, 'x-bamboohr-timestamp': String(Number(TS) + 1) },
      'duplicated header': { 'x-bamboohr-signature': `${good}, ${good}`, 'x-bamboohr-timestamp': TS },
      'whitespace in header': { 'x-bamboohr-signature': ` ${good}`, 'x-bamboohr-timestamp': TS },
      'stacked timestamps': { 'x-bamboohr-signature': good, 'x-bamboohr-timestamp': `${TS}, ${TS}` },
    };
    let accepted = 0;
    for (const [name, headers] of Object.entries(cases)) {
      const verdict = verifyDelivery(delivery(BODY, headers), [KEY]);
      if (verdict.ok) accepted += 1;
      expect(verdict.ok, name).toBe(false);
      if (!verdict.ok) expect(verdict.reason.length, name).toBeGreaterThan(0);
    }
    expect(accepted).toBe(0);
    expect(verifyDelivery(signed(BODY), []).ok).toBe(false);
  });

  it('verifies the raw bytes only: the same payload re-serialised is refused', () => {
    const raw = '{ "type":"employee.updated", "data": {"employeeId":"8","companyId":"1"}, "timestamp":"2026-01-31T18:42:00+0000" }';
    const good = signed(raw);
    expect(verifyDelivery(good, [KEY]).ok).toBe(true);
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(verifyDelivery({ ...good, rawBody: Buffer.from(reserialised) }, [KEY]).ok).toBe(false);
  });

  it('refuses a body over the size limit before any HMAC work', () => {
    const big = Buffer.alloc(MAX_WEBHOOK_BYTES + 1, 0x20);
    const verdict = verifyDelivery(delivery(big, { 'x-bamboohr-signature': sign(KEY, big, TS), 'x-bamboohr-timestamp': TS }), [KEY]);
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining('limit') });
    expect(deliveryKeys(delivery(big, {}))).toEqual([]);
  });

  it('accepts either of two signing keys during a rotation, and not a retired one', () => {
    expect(verifyDelivery(signed(BODY, 'old-key'), ['new-key', 'old-key']).ok).toBe(true);
    expect(verifyDelivery(signed(BODY, 'new-key'), ['new-key', 'old-key']).ok).toBe(true);
    expect(verifyDelivery(signed(BODY, 'old-key'), ['new-key']).ok).toBe(false);
  });

  it('reads ISO 8601 timestamps as well as epoch seconds, so the runtime can enforce its window both ways', () => {
    const iso = '2026-01-31T18:42:00+0000';
    expect(verifyDelivery(signed(BODY, KEY, iso), [KEY])).toEqual({ ok: true, signedAt: new Date('2026-01-31T18:42:00Z') });
    const stale = String(Number(TS) - 301);
    expect(verifyDelivery(signed(BODY, KEY, stale), [KEY])).toEqual({ ok: true, signedAt: new Date((Number(TS) - 301) * 1000) });
  });

  it('property-style forgery: 10,000 random signed deliveries pass, each one-point mutation is refused (WH-3)', () => {
    const random = prng(9);
    let unmutatedAccepted = 0;
    let mutatedAccepted = 0;
    const runs = 10_000;
    for (let run = 0; run < runs; run += 1) {
      const length = Math.floor(random() * 200);
      const body = Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
      const ts = String(1_700_000_000 + Math.floor(random() * 1_000_000));
      const signature = sign(KEY, body, ts);
      if (verifyDelivery(delivery(body, { 'x-bamboohr-signature': signature, 'x-bamboohr-timestamp': ts }), [KEY]).ok) unmutatedAccepted += 1;
      const which = run % 3;
      const mutatedBody = Buffer.from(body);
      let mutatedTs = ts;
      let mutatedSig = signature;
      if (which === 0 && length > 0) mutatedBody[Math.floor(random() * length)]! ^= 1 << Math.floor(random() * 8);
      else if (which === 1) mutatedTs = String(Number(ts) + 1 + Math.floor(random() * 100));
      else {
        const at = Math.floor(random() * 64);
        const digit = signature[at] === '0' ? '1' : '0';
        mutatedSig = signature.slice(0, at) + digit + signature.slice(at + 1);
      }
      if (which === 0 && length === 0) mutatedTs = `${Number(ts) - 1}`;
      if (verifyDelivery(delivery(mutatedBody, { 'x-bamboohr-signature': mutatedSig, 'x-bamboohr-timestamp': mutatedTs }), [KEY]).ok) mutatedAccepted += 1;
    }
    expect({ unmutatedAccepted, mutatedAccepted }).toEqual({ unmutatedAccepted: runs, mutatedAccepted: 0 });
  });
});

describe('webhook keys', () => {
  it('reads event-based JSON and form payloads', () => {
    expect(deliveryKeys(signed('{"type":"employee.updated","timestamp":"2026-01-31T18:42:00+0000","data":{"companyId":"1","employeeId":"67890","changedFields":["firstName"]}}'))).toEqual(['67890']);
    expect(deliveryKeys(signed('type=employee.updated&data[companyId]=12345&data[employeeId]=67890&data[changedFields][0]=firstName', KEY, TS, 'application/x-www-form-urlencoded'))).toEqual(['67890']);
    expect(deliveryKeys(signed('{"type":"company.updated","data":{"companyId":"1"}}'))).toEqual([]);
  });

  it('reads legacy field-based payloads, flat and {value}, JSON and form-encoded', () => {
    expect(deliveryKeys(signed(BODY))).toEqual(['5']);
    expect(deliveryKeys(signed('{"employees":[{"action":"Updated","changedFields":["First Name"],"fields":{"First Name":"Bryony"},"id":"12345"},{"action":"Created","fields":{},"id":"7"}]}'))).toEqual(['12345', '7']);
    expect(deliveryKeys(signed('employees[12345][changedFields][0]=First+name&employees[12345][First+name]=John', KEY, TS, 'application/x-www-form-urlencoded'))).toEqual(['12345']);
    expect(deliveryKeys(signed('employees[0][id]=5&employees[0][action]=Updated&employees[1][id]=6', KEY, TS, 'application/x-www-form-urlencoded'))).toEqual(['5', '6']);
  });

  it('throws for a body that is neither JSON nor a form (the runtime answers 400)', () => {
    for (const body of ['', '<xml/>', '{"type":"employee.updated","data":{"employeeId":"5"', '\u00ff{']) expect(() => deliveryKeys(signed(body)), body).toThrow(/neither JSON nor a form/);
  });

  it('returns no keys for unknown JSON shapes rather than failing', () => {
    for (const body of ['null', '[]', '{"hello":"world"}', '{"employees":"x"}', '{"data":{"employeeId":"5"}}', '{"type":"employee.updated","data":{"employeeId":"../../etc"}}', '{"employees":[{"id":{"value":"9"}}]}']) {
      const keys = deliveryKeys(signed(body));
      expect(Array.isArray(keys), body).toBe(true);
      for (const key of keys) expect(key).toMatch(/^\d+$/);
    }
    expect(deliveryKeys(signed('{"employees":[{"id":{"value":"9"}}]}'))).toEqual(['9']);
  });
});
