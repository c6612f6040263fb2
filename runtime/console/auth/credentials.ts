// Who may log in, read from the secret store (never from the pipeline files, never sent anywhere):
//   console-operator-token / console-viewer-token  a token per role;
//   console-users  one account a line: `name role password` (role viewer or operator).
import type { Role } from '../api/types.ts';
import type { LoginRequest } from '../api/types.ts';
import { sameSecret } from './sessions.ts';

export interface SecretGetter {
  get(name: string): Promise<string | undefined>;
}

export const CONSOLE_SECRETS = { operatorToken: 'console-operator-token', viewerToken: 'console-viewer-token', users: 'console-users' } as const;

const isRole = (r: string | undefined): r is Role => r === 'viewer' || r === 'operator';

export function parseLoginRequest(body: unknown): LoginRequest | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.token === 'string' && b.token.length > 0 && b.token.length <= 1024) return { token: b.token };
  if (typeof b.user === 'string' && typeof b.password === 'string' && b.user.length > 0 && b.user.length <= 200 && b.password.length <= 1024) return { user: b.user, password: b.password };
  return undefined;
}

/** The role the credentials grant, or undefined. Every candidate is compared, so timing tells nothing. */
export async function roleFor(request: LoginRequest, secrets: SecretGetter): Promise<Role | undefined> {
  let granted: Role | undefined;
  if ('token' in request) {
    for (const role of ['operator', 'viewer'] as const) {
      const expected = await secrets.get(role === 'operator' ? CONSOLE_SECRETS.operatorToken : CONSOLE_SECRETS.viewerToken);
      if (expected && sameSecret(request.token, expected.trim()) && !granted) granted = role;
    }
    return granted;
  }
  const users = (await secrets.get(CONSOLE_SECRETS.users)) ?? '';
  for (const line of users.split('\n')) {
    const [name, role, ...rest] = line.trim().split(/\s+/);
    const password = rest.join(' ');
    if (!name || !isRole(role) || password.length === 0) continue;
    if (sameSecret(request.user, name) && sameSecret(request.password, password) && !granted) granted = role;
  }
  return granted;
}

/** True when any login is configured (otherwise the console is loopback-only). */
export async function anyCredentials(secrets: SecretGetter): Promise<boolean> {
  for (const name of Object.values(CONSOLE_SECRETS)) if (await secrets.get(name)) return true;
  return false;
}
