// BambooHR webhook deliveries built from BambooHR's documented behaviour only, for the receiver check:
// the payload styles of its webhook pages and of the OpenAPI description kept in the repository
// (sandbox/bamboohr/openapi), and the signing recipe it documents — lowercase hex HMAC-SHA256 with the
// webhook's private key over the raw body bytes immediately followed by the X-BambooHR-Timestamp
// string. Nothing here imports the repository's signing or verifying code: a receiver that agreed with
// itself but not with BambooHR would pass a check built from its own code.
import { createHmac } from 'node:crypto';

export interface OutgoingDelivery {
  /** What the case shows, for failure messages. */
  name: string;
  /** Header names exactly as sent on the wire (casing is part of what is checked). */
  headers: [string, string][];
  body: Buffer;
  /** Employee ids the delivery announces (what a receiver must go and read). */
  employees: string[];
}

/** The documented recipe, written out: HMAC-SHA256(privateKey, rawBody ‖ timestamp), lowercase hex. */
export function bambooSignature(privateKey: string, rawBody: Buffer, timestamp: string): string {
  return createHmac('sha256', privateKey).update(Buffer.concat([rawBody, Buffer.from(timestamp, 'utf8')])).digest('hex');
}

/** The published test vector for the recipe (from an open-source BambooHR connector's tests). */
export const KNOWN_ANSWER = {
  key: '123b929362d51613054f71e5e5d4bf2c',
  timestamp: '1658248023',
  body: '{"employees":[{"changedFields":["First name"],"fields":{"Employee #":{"value":"300"},"First name":{"value":"Tefi"},"Last name":{"value":"Adams"}},"id":"5"}]}',
  signature: '56491dd9c2b352bc5f4fc627159aae20ddff9c8cb19f239a6de6771dc5310bac',
};

export type HeaderCase = 'canonical' | 'lower' | 'upper';
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

function headerName(name: string, casing: HeaderCase): string {
  return casing === 'lower' ? name.toLowerCase() : casing === 'upper' ? name.toUpperCase() : name;
}

export interface SignOptions {
  key: string;
  /** The X-BambooHR-Timestamp value as sent. */
  timestamp: string;
  contentType: string;
  casing?: HeaderCase;
  /** BambooHR's sender identifies itself; `includeCompanyDomain` adds the company's domain. */
  companyDomain?: string;
}

/** A signed delivery with the headers BambooHR documents. */
export function signed(name: string, body: string | Buffer, employees: string[], options: SignOptions): OutgoingDelivery {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const casing = options.casing ?? 'canonical';
  const headers: [string, string][] = [
    [headerName('Content-Type', casing), options.contentType],
    [headerName('X-BambooHR-Timestamp', casing), options.timestamp],
    [headerName('X-BambooHR-Signature', casing), bambooSignature(options.key, raw, options.timestamp)],
    [headerName('User-Agent', casing), 'BambooHR-WebHooks/1.0 (+https://www.bamboohr.com)'],
  ];
  if (options.companyDomain) headers.push([headerName('company-domain', casing), options.companyDomain]);
  return { name, headers, body: raw, employees };
}

/** ISO 8601 with a +0000 offset, as BambooHR's event examples write it. */
export const plusZeroZero = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, '+0000');
/** ISO 8601 with Z, as the OpenAPI description writes it. */
export const zulu = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');
export const epochSeconds = (at: Date): string => String(Math.floor(at.getTime() / 1000));

/**
 * Every documented style, each naming employees of its own so the check can tell which were
 * processed: event-based (created / updated with and without changedFields / deleted) in JSON and
 * form encoding, field-based (legacy) with flat and {value}-wrapped fields, with and without
 * action/timestamp, a batch of employees, external field names, both encodings, header casings and
 * timestamp forms.
 */
export function validStyles(key: string, now: Date, company = 'keystone'): OutgoingDelivery[] {
  const epoch = epochSeconds(now);
  const json = (casing: HeaderCase = 'canonical', timestamp = epoch): SignOptions => ({ key, timestamp, contentType: JSON_TYPE, casing });
  const form = (casing: HeaderCase = 'canonical'): SignOptions => ({ key, timestamp: epoch, contentType: FORM_TYPE, casing });
  const event = (type: string, id: string, extra: Record<string, unknown> = {}, stamp = plusZeroZero(now)): string =>
    JSON.stringify({ type, timestamp: stamp, data: { companyId: '12345', employeeId: id, ...extra } });
  return [
    signed('event employee.updated, one changed field, +0000 body time', event('employee.updated', '11', { changedFields: ['department'] }), ['11'], json()),
    signed('event employee.updated, several changed fields, Z body time, lower-case headers', event('employee.updated', '12', { changedFields: ['firstName', 'lastName', 'department'] }, zulu(now)), ['12'], json('lower')),
    signed('event employee.updated, empty changedFields, upper-case headers', event('employee.updated', '13', { changedFields: [] }), ['13'], json('upper')),
    signed('event employee.created (no changedFields)', event('employee.created', '14'), ['14'], json()),
    signed('event employee.deleted', event('employee.deleted', '16'), ['16'], json()),
    signed('event employee.updated, form-encoded', 'type=employee.updated&data[companyId]=12345&data[employeeId]=15&data[changedFields][0]=firstName&data[changedFields][1]=department', ['15'], form()),
    signed('event employee.created, form-encoded, lower-case headers', 'type=employee.created&data[companyId]=12345&data[employeeId]=17', ['17'], form('lower')),
    signed(
      'field-based, flat fields, with action and timestamp',
      JSON.stringify({ employees: [{ action: 'Updated', changedFields: ['Department'], fields: { 'First Name': 'Ann', Department: 'Yard' }, id: '18', timestamp: plusZeroZero(now) }] }),
      ['18'],
      json(),
    ),
    signed(
      'field-based, {value}-wrapped fields, no action or timestamp (older payloads)',
      JSON.stringify({ employees: [{ changedFields: ['First name'], fields: { 'Employee #': { value: '1019' }, 'First name': { value: 'Tefi' } }, id: '19' }] }),
      ['19'],
      json(),
    ),
    signed(
      'field-based batch of three employees: Created, Updated, Deleted',
      JSON.stringify({
        employees: [
          { action: 'Created', changedFields: [], fields: {}, id: '20', timestamp: plusZeroZero(now) },
          { action: 'Updated', changedFields: ['Location'], fields: { Location: { value: 'York, PA' } }, id: '21', timestamp: plusZeroZero(now) },
          { action: 'Deleted', changedFields: [], fields: {}, id: '22', timestamp: plusZeroZero(now) },
        ],
      }),
      ['20', '21', '22'],
      json('upper'),
    ),
    signed('field-based, form-encoded, two employees', 'employees[23][changedFields][0]=First+name&employees[23][First+name]=John&employees[24][changedFields][0]=Department&employees[24][Department]=Yard', ['23', '24'], form()),
    signed(
      'field-based, external names from postFields',
      JSON.stringify({ employees: [{ action: 'Updated', changedFields: ['Dept'], fields: { Dept: 'Sales', 'Cost centre': 'SLS' }, id: '25', timestamp: plusZeroZero(now) }] }),
      ['25'],
      json(),
    ),
    signed(
      'JSON with charset, pretty-printed with CRLF and non-ASCII text',
      `{\r\n  "type": "employee.updated",\r\n  "timestamp": "${plusZeroZero(now)}",\r\n  "data": { "companyId": "12345", "employeeId": "26", "changedFields": ["firstName"], "note": "Jos\u00e9 M\u00fcller \u2013 \u6771\u4eac" }\r\n}\r\n`,
      ['26'],
      { ...json(), contentType: 'application/json; charset=utf-8' },
    ),
    signed('timestamp header in ISO 8601 with Z', event('employee.updated', '27', { changedFields: ['location'] }), ['27'], json('canonical', zulu(now))),
    signed('timestamp header in ISO 8601 with +0000', event('employee.updated', '28', { changedFields: ['division'] }), ['28'], json('canonical', plusZeroZero(now))),
    signed('with the company-domain header (includeCompanyDomain)', event('employee.updated', '29', { changedFields: ['status'] }), ['29'], { ...json(), companyDomain: company }),
  ];
}
