// `ping`: what the connection reaches (company, employees, auth kind and scopes), or the one reason it
// cannot (DNS, TLS, refused credentials with BambooHR's message, throttling), never a stack.
import { isMlcError, type CheckResult } from '../../runtime/index.ts';
import { jsonBody, type BambooClient } from './client.ts';
import type { Reader } from './reads.ts';

export async function checkConnection(client: BambooClient, reader: Reader, subdomain: string, signal: AbortSignal): Promise<CheckResult> {
  try {
    signal.throwIfAborted();
    // company_information needs the company:info scope; without it the subdomain names the company.
    const info = await client.call('/company_information', { accept: [403, 404] });
    const body = info.status === 200 ? jsonBody<{ displayName?: unknown; legalName?: unknown }>(info, 'company information') : {};
    const company = typeof body.displayName === 'string' ? body.displayName : typeof body.legalName === 'string' ? body.legalName : subdomain;
    signal.throwIfAborted();
    const employees = await reader.report();
    const active = employees.filter((r) => r.data.status === 'Active').length;
    const scopes = client.auth.scopes();
    return {
      ok: true,
      detail: `reached ${company} (${subdomain}): ${employees.length} employees, ${active} active; ${client.auth.kind === 'oauth' ? 'OAuth 2.0' : 'API key'}`,
      facts: {
        company,
        subdomain,
        employees: employees.length,
        active,
        auth: client.auth.kind,
        ...(scopes ? { scopes: scopes.join(' ') } : {}),
        api: client.addresses.api,
      },
    };
  } catch (error) {
    if (signal.aborted) throw error;
    if (!isMlcError(error)) throw error;
    return { ok: false, detail: `${error.code}: ${error.message}` };
  }
}
