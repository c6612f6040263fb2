// The PostgreSQL password comes from the secret store, never from the command line or a log line:
// `ML_CONNECTOR_STORE_PASSWORD_REF=secret:NAME` (or `${secret:NAME}`), or `password=secret:NAME` in the
// URL's query (taken out of the URL before it goes anywhere). A literal password in the URL still
// works (hidden in every message) but lands in shell history and process listings; the README says so.
import { MlcError } from '../errors.ts';
import type { SecretResolver } from '../secrets/resolver.ts';

const REFERENCE = /^(?:secret:([A-Za-z0-9][A-Za-z0-9._-]{0,127})|\$\{secret:([A-Za-z0-9][A-Za-z0-9._-]{0,127})\})$/;

function secretName(reference: string, where: string): string {
  const match = REFERENCE.exec(reference.trim());
  const name = match?.[1] ?? match?.[2];
  if (!name) throw new MlcError('MLC_USAGE', `${where} must be a secret reference (secret:NAME), not a password`);
  return name;
}

/** The URL without a `password=secret:…` parameter, and the password its reference names (if any). */
export async function resolveStorePassword(url: string, env: NodeJS.ProcessEnv, secrets: Pick<SecretResolver, 'resolve'>): Promise<{ url: string; password?: string }> {
  if (!/^postgres(ql)?:/.test(url)) return { url };
  let name: string | undefined;
  let bare = url;
  const query = url.indexOf('?');
  if (query >= 0) {
    const params = new URLSearchParams(url.slice(query + 1));
    const reference = params.get('password');
    if (reference !== null) {
      name = secretName(reference, "the store URL's password parameter");
      params.delete('password');
      const rest = params.toString();
      bare = `${url.slice(0, query)}${rest ? `?${rest}` : ''}`;
    }
  }
  const fromEnv = env.ML_CONNECTOR_STORE_PASSWORD_REF;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (name !== undefined) throw new MlcError('MLC_USAGE', 'the store password is given twice: ML_CONNECTOR_STORE_PASSWORD_REF and password= in the store URL; keep one');
    name = secretName(fromEnv, 'ML_CONNECTOR_STORE_PASSWORD_REF');
  }
  if (name === undefined) return { url };
  return { url: bare, password: await secrets.resolve(`\${secret:${name}}`) };
}
