// Generated from the JSON Schema by scripts/generate-types.ts (npm run generate). Do not edit.
export interface BambooHrSourceConfig {
  /**
   * The customer's BambooHR company domain: the `acme` of acme.bamboohr.com.
   */
  subdomain: string;
  /**
   * OAuth 2.0 (recommended: per-customer authorization with offline_access) or a BambooHR API key.
   */
  auth:
    | {
        oauth: {
          /**
           * OAuth client id of the ml-connector application.
           */
          clientId: string;
          /**
           * A stored secret, written as ${secret:name}. Secrets are never written inline.
           */
          clientSecret: string;
          /**
           * Where `ml-connector connect bamboohr` stored the refresh token.
           */
          refreshToken?: string;
          /**
           * The redirect URI registered for the application (default http://127.0.0.1:53682/callback); `connect bamboohr` listens on it (loopback) for the authorization code.
           */
          redirectUri?: string;
          /**
           * OAuth scopes requested by `connect bamboohr` (offline_access is always added).
           *
           * @minItems 1
           */
          scopes?: string[];
        };
      }
    | {
        /**
         * A stored secret, written as ${secret:name}. Secrets are never written inline.
         */
        apiKey: string;
      };
  /**
   * Employee fields to read (BambooHR field names or ids).
   *
   * @minItems 1
   */
  fields?: string[];
  /**
   * The part before /api/v1 (default https://{subdomain}.bamboohr.com), e.g. the local sandbox's company URL. http: only on loopback hosts.
   */
  baseUrl?: string;
  /**
   * Read terminated employees too, so the sink can deactivate what they left behind.
   */
  includeTerminated?: boolean;
  /**
   * Use the legacy gateway address form {baseUrl}/api/gateway.php/{subdomain}/v1 (default base https://api.bamboohr.com).
   */
  legacyGateway?: boolean;
  /**
   * Extra TLS trust for a baseUrl with a private certificate (the sandbox's). Verification is always on.
   */
  tls?: {
    /**
     * PEM of the server certificate or its CA, stored as a secret.
     */
    ca?: string;
    /**
     * SHA-256 fingerprint of the server certificate, checked in addition to verification.
     */
    fingerprint256?: string;
  };
  /**
   * Per request attempt, in ms.
   */
  timeoutMs?: number;
}
