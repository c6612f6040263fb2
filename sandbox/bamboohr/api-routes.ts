// The BambooHR paths the sandbox serves, each mapped to its handler. Anything else (including a
// known path with another method) is 404, as BambooHR answers unsupported methods.
import type { Company } from './model.ts';
import type { HandlerContext } from './context.ts';
import { errorReply, type Reply, type SandboxRequest } from './http.ts';
import { changed, changedTable, directory, getEmployee, table } from './employees.ts';
import { listEmployees } from './employee-list.ts';
import { customReport } from './custom-report.ts';
import { datasetData, datasetFields, listDatasets } from './datasets.ts';
import { metaFields, metaLists } from './meta.ts';
import { companyInformation } from './company-info.ts';
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, monitorFields, replaceWebhook, webhookLog } from './webhooks-api.ts';
import type { DeliveryRecord } from './webhook-delivery.ts';

export interface ApiDeps {
  ctx: HandlerContext;
  deliveries: () => readonly DeliveryRecord[];
}

type Handler = (deps: ApiDeps, company: Company, req: SandboxRequest, params: string[]) => Reply;

interface Route {
  method: string;
  /** The path exactly as BambooHR's OpenAPI description spells it (the conformance test relies on it). */
  specPath: string;
  pattern: RegExp;
  handler: Handler;
}

const route = (method: string, specPath: string, handler: Handler): Route => ({
  method,
  specPath,
  pattern: new RegExp(`^${specPath.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '([^/]+)')}$`),
  handler,
});

const ROUTES: Route[] = [
  route('GET', '/api/v1/employees', (d, c, r) => listEmployees(d.ctx, c, r)),
  route('GET', '/api/v1/employees/directory', (d, c, r) => directory(d.ctx, c, r)),
  route('GET', '/api/v1/employees/changed', (d, c, r) => changed(d.ctx, c, r)),
  route('GET', '/api/v1/employees/changed/tables/{table}', (d, c, r, [t]) => changedTable(d.ctx, c, r, t!)),
  route('GET', '/api/v1/employees/{id}/tables/{table}', (d, c, r, [id, t]) => table(d.ctx, c, r, id!, t!)),
  route('GET', '/api/v1/employees/{id}', (d, c, r, [id]) => getEmployee(d.ctx, c, r, id!)),
  route('POST', '/api/v1/reports/custom', (d, c, r) => customReport(d.ctx, c, r)),
  route('GET', '/api/v1/company_information', (d, c, r) => companyInformation(d.ctx.settings, c, r)),
  route('GET', '/api/v1/meta/fields', () => metaFields()),
  route('GET', '/api/v1/meta/lists', (_d, c) => metaLists(c)),
  route('GET', '/api/v1/webhooks', (_d, c) => listWebhooks(c)),
  route('POST', '/api/v1/webhooks', (d, c, r) => createWebhook(d.ctx, c, r)),
  route('GET', '/api/v1/webhooks/monitor_fields', () => monitorFields()),
  route('GET', '/api/v1/webhooks/{id}/log', (d, c, _r, [id]) => webhookLog(c, id!, d.deliveries())),
  route('GET', '/api/v1/webhooks/{id}', (_d, c, _r, [id]) => getWebhook(c, id!)),
  route('PUT', '/api/v1/webhooks/{id}', (d, c, r, [id]) => replaceWebhook(d.ctx, c, r, id!)),
  route('DELETE', '/api/v1/webhooks/{id}', (d, c, _r, [id]) => deleteWebhook(d.ctx, c, id!)),
  route('GET', '/api/v1_2/datasets', () => listDatasets()),
  route('GET', '/api/v1_2/datasets/{datasetName}/fields', (_d, _c, r, [n]) => datasetFields(r, n!)),
  route('POST', '/api/v2/datasets/{datasetName}/data', (d, c, r, [n]) => datasetData(d.ctx, c, r, n!)),
];

/** Every (method, OpenAPI path) the sandbox serves. */
export const SERVED_ENDPOINTS: readonly { method: string; specPath: string }[] = ROUTES.map(({ method, specPath }) => ({ method, specPath }));

export function routeApi(deps: ApiDeps, company: Company, req: SandboxRequest): Reply {
  for (const r of ROUTES) {
    if (r.method !== req.method) continue;
    const m = r.pattern.exec(req.path);
    if (!m) continue;
    let params: string[];
    try {
      params = m.slice(1).map((s) => decodeURIComponent(s));
    } catch {
      return errorReply(deps.ctx.settings, 400, 'Malformed percent-encoding in the path');
    }
    return r.handler(deps, company, req, params);
  }
  return errorReply(deps.ctx.settings, 404, `No such endpoint: ${req.method} ${req.path}`);
}
