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
   * Overrides https://{subdomain}.bamboohr.com, e.g. for the local sandbox.
   */
  baseUrl?: string;
  /**
   * Read terminated employees too, so the sink can deactivate what they left behind.
   */
  includeTerminated?: boolean;
  timeoutMs?: number;
}
