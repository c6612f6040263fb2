// Which company a request is for. BambooHR tells companies apart by host name
// ({companyDomain}.bamboohr.com) or by the legacy gateway path; on loopback the sandbox accepts:
//   Host: {domain}.bamboohr.localhost   or   Host: {domain}.localhost      (any port)
//   /co/{domain}/...                    (path prefix: the form printed as baseUrl)
//   /api/gateway.php/{domain}/v1/...    (legacy gateway, on any host)

export interface Tenant {
  domain: string;
  /** Path as BambooHR would see it on the company host, e.g. /api/v1/employees/1. */
  path: string;
}

const DOMAIN = '[a-z0-9][a-z0-9-]*';
const PREFIX = new RegExp(`^/co/(${DOMAIN})(/.*)?$`, 'i');
const GATEWAY = new RegExp(`^/api/gateway\\.php/(${DOMAIN})/(v[0-9_]+)(/.*)?$`, 'i');
const HOST = new RegExp(`^(${DOMAIN})\\.(?:bamboohr\\.)?localhost$`, 'i');

export function resolveTenant(pathname: string, hostHeader: string | undefined): Tenant | undefined {
  let domain: string | undefined;
  let path = pathname;
  const prefixed = PREFIX.exec(path);
  if (prefixed) {
    domain = prefixed[1]!.toLowerCase();
    path = prefixed[2] ?? '/';
  } else {
    const host = (hostHeader ?? '').replace(/:\d+$/, '');
    const byHost = HOST.exec(host);
    if (byHost) domain = byHost[1]!.toLowerCase();
  }
  const gateway = GATEWAY.exec(path);
  if (gateway) {
    domain = gateway[1]!.toLowerCase();
    path = `/api/${gateway[2]!.toLowerCase()}${gateway[3] ?? ''}`;
  }
  if (!domain) return undefined;
  // Trailing slashes are optional on BambooHR (`/employees/1/`, `/webhooks/`).
  if (path.length > 1 && path.endsWith('/')) path = path.replace(/\/+$/, '');
  return { domain, path };
}
