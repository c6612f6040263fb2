// Every endpoint the sandbox serves, called over HTTP, with its JSON body validated against the
// response schema in BambooHR's own OpenAPI description (vendored beside the sandbox).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchemaCompiler, type SchemaCompiler } from '../../../runtime/lib/json-schema.ts';
import { parseTrustedYaml } from '../../../runtime/lib/yaml.ts';
import { SERVED_ENDPOINTS } from '../api-routes.ts';
import { oauthToken, startClient, startReceiver, type Client, type Receiver } from './helpers.ts';
import type { HttpResponse } from '../../../runtime/lib/http-client.ts';

const DOC_ID = 'https://sandbox.invalid/bamboohr-openapi.json';
let ajv: SchemaCompiler;
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> };
let c: Client;
let rx: Receiver;
let token = '';

beforeAll(async () => {
  const file = fileURLToPath(new URL('../openapi/bamboohr-openapi.yaml', import.meta.url));
  doc = parseTrustedYaml(readFileSync(file, 'utf8')) as typeof doc;
  ajv = createSchemaCompiler({ lenient: true, allErrors: true });
  // Registered whole, so the `#/components/...` references inside response schemas resolve.
  ajv.addSchema({ ...doc, $id: DOC_ID }, undefined, undefined, false);
  c = await startClient({ employees: 60 });
  rx = await startReceiver();
  token = await oauthToken(c.sandbox);
}, 60_000);

afterAll(async () => {
  await c?.sandbox.close();
  await rx?.close();
});

const pointer = (...parts: string[]): string => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

function validate(method: string, specPath: string, status: number, res: HttpResponse): void {
  const op = doc.paths[specPath]?.[method.toLowerCase()];
  expect(op, `${method} ${specPath} is in the OpenAPI description`).toBeDefined();
  const content = op!.responses[String(status)]?.content ?? {};
  const mediaType = Object.keys(content).find((t) => (res.headers['content-type'] ?? '').startsWith(t));
  expect(mediaType, `${method} ${specPath} ${status} answered ${res.headers['content-type']}, documented: ${Object.keys(content).join(', ')}`).toBeDefined();
  if (!content[mediaType!]?.schema) return;
  const check = ajv.compile({ $ref: `${DOC_ID}#/${pointer('paths', specPath, method.toLowerCase(), 'responses', String(status), 'content', mediaType!, 'schema')}` });
  const body: unknown = mediaType!.includes('json') ? res.json() : res.text();
  if (!check(body)) throw new Error(`${method} ${specPath} ${status}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
}

interface Case {
  method: string;
  specPath: string;
  status: number;
  call: () => Promise<HttpResponse>;
}

const FIELDS = 'firstName,lastName,preferredName,middleName,status,department,departmentId,division,divisionId,location,locationId,jobTitleName,jobTitleId,hireDate,originalHireDate,terminationDate,canUploadPhoto,workEmail,employmentHistoryStatus,supervisorEId,4501';

const LIST_FIELDS = 'workEmail,homeEmail,bestEmail,middleName,workPhone,workPhoneExtension,mobilePhone,homePhone,skypeUsername,linkedinUrl,facebookUrl,instagramUrl,twitterUrl,pinterestUrl,birthDate,hireDate,divisionName,divisionId,departmentName,departmentId,locationName,locationId,jobTitleId,employmentStatusName,employmentStatusId,reportsToName,reportsToId';
// The list endpoint is OAuth only.
const bearerCall = (path: string) => c.call(path, { headers: { authorization: `Bearer ${token}` } });
async function integerCursorPage(): Promise<HttpResponse> {
  c.sandbox.admin.setFaults({ employeeListCursor: 'integer' });
  try {
    const first = await bearerCall('/api/v1/employees?page[limit]=7&sort=-lastName');
    return await bearerCall(`/api/v1/employees?page[limit]=7&sort=-lastName&page[after]=${first.json<{ meta: { page: { nextCursor: string } } }>().meta.page.nextCursor}`);
  } finally {
    c.sandbox.admin.resetFaults();
  }
}

let webhookId = '';
const CASES: Case[] = [
  { method: 'GET', specPath: '/api/v1/employees', status: 200, call: () => bearerCall(`/api/v1/employees?fields=${LIST_FIELDS}&page[limit]=20&filter[ids]=8,9,10,11,12,13,14,15,16,17,18,19`) },
  { method: 'GET', specPath: '/api/v1/employees', status: 200, call: () => integerCursorPage() },
  { method: 'GET', specPath: '/api/v1/employees', status: 400, call: () => bearerCall('/api/v1/employees?sort=salary') },
  { method: 'GET', specPath: '/api/v1/employees', status: 400, call: () => bearerCall('/api/v1/employees?page[after]=nope') },
  { method: 'GET', specPath: '/api/v1/employees/{id}', status: 200, call: () => c.call(`/api/v1/employees/15?fields=${FIELDS}`) },
  { method: 'GET', specPath: '/api/v1/employees/{id}', status: 200, call: () => c.call(`/api/v1/employees/11?fields=${FIELDS}`) },
  { method: 'GET', specPath: '/api/v1/employees/directory', status: 200, call: () => c.call('/api/v1/employees/directory') },
  { method: 'GET', specPath: '/api/v1/employees/changed', status: 200, call: () => c.call('/api/v1/employees/changed?since=2020-01-01T00:00:00Z') },
  { method: 'GET', specPath: '/api/v1/employees/changed/tables/{table}', status: 200, call: () => c.call('/api/v1/employees/changed/tables/jobInfo?since=2020-01-01T00:00:00Z') },
  { method: 'GET', specPath: '/api/v1/employees/{id}/tables/{table}', status: 200, call: () => c.call('/api/v1/employees/all/tables/employmentStatus') },
  { method: 'POST', specPath: '/api/v1/reports/custom', status: 200, call: () => c.call('/api/v1/reports/custom?format=json', { body: { fields: FIELDS.split(',') } }) },
  { method: 'GET', specPath: '/api/v1/company_information', status: 200, call: () => c.call('/api/v1/company_information') },
  { method: 'GET', specPath: '/api/v1/meta/fields', status: 200, call: () => c.call('/api/v1/meta/fields') },
  { method: 'GET', specPath: '/api/v1/meta/lists', status: 200, call: () => c.call('/api/v1/meta/lists') },
  {
    method: 'POST',
    specPath: '/api/v1/webhooks',
    status: 201,
    call: async () => {
      const res = await c.call('/api/v1/webhooks', { body: { name: 'conformance', url: rx.url, format: 'json', monitorFields: ['department'], postFields: { department: 'Dept' } } });
      webhookId = res.json<{ id: string }>().id;
      c.sandbox.admin.move('keystone', 8, { department: 'Office' });
      await c.sandbox.admin.waitForWebhooks();
      return res;
    },
  },
  { method: 'POST', specPath: '/api/v1/webhooks', status: 400, call: () => c.call('/api/v1/webhooks', { body: { name: 'x' } }) },
  { method: 'GET', specPath: '/api/v1/webhooks', status: 200, call: () => c.call('/api/v1/webhooks') },
  { method: 'GET', specPath: '/api/v1/webhooks/{id}', status: 200, call: () => c.call(`/api/v1/webhooks/${webhookId}`) },
  { method: 'GET', specPath: '/api/v1/webhooks/{id}', status: 404, call: () => c.call('/api/v1/webhooks/999') },
  { method: 'PUT', specPath: '/api/v1/webhooks/{id}', status: 200, call: () => c.call(`/api/v1/webhooks/${webhookId}`, { method: 'PUT', body: { name: 'renamed', url: rx.url, format: 'form-encoded', monitorFields: ['firstName'] } }) },
  { method: 'GET', specPath: '/api/v1/webhooks/{id}/log', status: 200, call: () => c.call(`/api/v1/webhooks/${webhookId}/log`) },
  { method: 'GET', specPath: '/api/v1/webhooks/monitor_fields', status: 200, call: () => c.call('/api/v1/webhooks/monitor_fields') },
  { method: 'DELETE', specPath: '/api/v1/webhooks/{id}', status: 200, call: () => c.call(`/api/v1/webhooks/${webhookId}`, { method: 'DELETE' }) },
  { method: 'GET', specPath: '/api/v1_2/datasets', status: 200, call: () => c.call('/api/v1_2/datasets') },
  { method: 'GET', specPath: '/api/v1_2/datasets/{datasetName}/fields', status: 200, call: () => c.call('/api/v1_2/datasets/employee/fields?page_size=7&page=2') },
  { method: 'GET', specPath: '/api/v1_2/datasets/{datasetName}/fields', status: 422, call: () => c.call('/api/v1_2/datasets/employee/fields?page_size=0') },
  { method: 'POST', specPath: '/api/v2/datasets/{datasetName}/data', status: 200, call: () => c.call('/api/v2/datasets/employee/data', { body: { fields: ['eeid', 'firstName', 'jobInformationDepartment', 'terminationDate', 'status'], pageSize: 25, page: 2 } }) },
  { method: 'POST', specPath: '/api/v2/datasets/{datasetName}/data', status: 400, call: () => c.call('/api/v2/datasets/employee/data', { body: { fields: ['nope'] } }) },
  { method: 'POST', specPath: '/api/v2/datasets/{datasetName}/data', status: 422, call: () => c.call('/api/v2/datasets/employee/data', { body: { fields: ['eeid'], filter: 'status eq' } }) },
];

describe('OpenAPI conformance', () => {
  it('has a case for every endpoint the sandbox serves', () => {
    const covered = new Set(CASES.map((k) => `${k.method} ${k.specPath}`));
    expect(SERVED_ENDPOINTS.map((e) => `${e.method} ${e.specPath}`).filter((e) => !covered.has(e))).toEqual([]);
  });

  it('rejects bodies that break the schema (so the check above can fail)', () => {
    const fake = (body: unknown): HttpResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)), text: () => JSON.stringify(body), json: <T>() => body as T });
    expect(() => validate('GET', '/api/v1/employees/{id}', 200, fake({ id: 5 }))).toThrow(/must be string/);
    expect(() => validate('GET', '/api/v1/employees/changed', 200, fake({ latest: 'yesterday', employees: {} }))).toThrow(/date-time/);
    expect(() => validate('GET', '/api/v1/meta/lists', 200, fake([{ options: [{ id: 'x' }] }]))).toThrow(/integer/);
    expect(() => validate('GET', '/api/v1/employees', 200, fake({ data: [{ employeeId: 8 }], meta: { total: 1, page: { limit: 1, nextCursor: null, prevCursor: null } }, _links: {} }))).toThrow(/must be string|required/);
  });

  // Sequential on purpose: the webhook cases build on each other.
  it('answers every case with a body that validates against the documented schema', async () => {
    for (const k of CASES) {
      const res = await k.call();
      expect(res.status, `${k.method} ${k.specPath}`).toBe(k.status);
      validate(k.method, k.specPath, k.status, res);
    }
  });
});
