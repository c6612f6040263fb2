// GET /company_information: the company's legal and display names, address and phone. BambooHR
// documents it for Basic auth and for OAuth with the `company:info` scope, answering 403 to a user
// without that permission; the sandbox refuses a Bearer token whose grant lacks the scope.
import type { Company } from './model.ts';
import { errorReply, type Reply, type SandboxRequest } from './http.ts';
import type { RuntimeSettings } from './options.ts';
import { el } from './xml.ts';

export const COMPANY_INFO_SCOPE = 'company:info';

/** A fixed sandbox address: the seed invents people, not premises. */
const ADDRESS = { line1: '1200 Market Street', line2: '', city: 'Harrisburg', state: 'PA', zip: '17101' };
const PHONE = '717-555-0100';

export function companyInformation(settings: RuntimeSettings, company: Company, req: SandboxRequest): Reply {
  if (req.authKind === 'bearer' && !(req.scopes ?? []).includes(COMPANY_INFO_SCOPE)) {
    return errorReply(settings, 403, `The access token was not granted the ${COMPANY_INFO_SCOPE} scope`);
  }
  const info = { legalName: `${company.name} Inc.`, displayName: company.name, address: ADDRESS, phone: PHONE };
  return {
    status: 200,
    json: info,
    xml: () =>
      el(
        'company',
        {},
        el('legalName', {}, info.legalName),
        el('displayName', {}, info.displayName),
        el('address', {}, ...Object.entries(ADDRESS).map(([k, v]) => el(k, {}, v))),
        el('phone', {}, PHONE),
      ),
  };
}
