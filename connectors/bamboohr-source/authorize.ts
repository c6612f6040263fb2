// `ml-connector connect bamboohr PIPELINE`: BambooHR's half of the authorization-code grant. The
// runtime holds the state, the listener and the browser; this file builds the consent URL on the
// customer's own subdomain, exchanges the code at token.php, and stores the refresh token under the
// name the pipeline's `refreshToken` reference gives, so the next run finds it.
import { ConnectorRuntimeError, type AuthorizationRequest, type ConnectorContext } from '../../runtime/index.ts';
import { addressesFor, authorizeUrl, createHttp, tlsOptionsFor } from './client.ts';
import type { BambooHrSourceConfig } from './config.ts';
import { refreshTokenName, tokenRequest } from './oauth.ts';

export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:53682/callback';
/** What reads, change feeds, field options and the company check need; offline_access gives the refresh token. */
export const DEFAULT_SCOPES = ['openid', 'offline_access', 'employee', 'employee_directory', 'field', 'report', 'company:info'];

export async function bambooAuthorization(config: Readonly<BambooHrSourceConfig>, context: ConnectorContext): Promise<AuthorizationRequest> {
  if (!('oauth' in config.auth)) {
    throw new ConnectorRuntimeError('MLC_AUTHORIZATION_FAILED', 'this pipeline reads BambooHR with an API key (auth.apiKey); connect is for auth.oauth, and an API key needs no consent');
  }
  const oauth = config.auth.oauth;
  const addresses = addressesFor(config);
  const redirectUri = oauth.redirectUri ?? DEFAULT_REDIRECT_URI;
  const scopes = [...new Set([...(oauth.scopes ?? DEFAULT_SCOPES), 'offline_access'])];
  const name = refreshTokenName(oauth, config.subdomain);
  return {
    redirectUri,
    async url(state) {
      // Spaces, form-encoded as `+` by URLSearchParams: the form BambooHR documents for scope lists.
      const query = new URLSearchParams({
        request: 'authorize',
        response_type: 'code',
        client_id: await context.secrets.resolve(oauth.clientId),
        redirect_uri: redirectUri,
        scope: scopes.join(' '),
        state,
      });
      return authorizeUrl(addresses, query);
    },
    async complete(code) {
      const http = createHttp(config, context, await tlsOptionsFor(config, context));
      try {
        const tokens = await tokenRequest(http, addresses, context.pipeline, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          client_id: await context.secrets.resolve(oauth.clientId),
          client_secret: await context.secrets.resolve(oauth.clientSecret),
        });
        if (!tokens.refreshToken) {
          throw new ConnectorRuntimeError(
            'MLC_AUTHORIZATION_FAILED',
            `BambooHR granted access without a refresh token (scopes granted: ${tokens.scopes.join(' ') || 'none stated'}); enable offline_access for the application in BambooHR's developer portal and connect again`,
          );
        }
        await context.secrets.store(name, tokens.refreshToken);
        return { stored: name, facts: { subdomain: config.subdomain, scopes: tokens.scopes.join(' '), expiresInSeconds: tokens.expiresInSeconds } };
      } finally {
        await http.close();
      }
    },
  };
}
