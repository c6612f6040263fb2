// Generated from the JSON Schema by scripts/generate-types.ts (npm run generate). Do not edit.
export interface Sage100AgentSinkConfig {
  /**
   * The ml-connector agent on the customer's Sage 100 server, e.g. https://sage-agent.acme.internal:8443.
   */
  url: string;
  /**
   * How the agent's (usually self-signed) certificate is trusted. Verification is always on: pin it, never switch it off.
   */
  tls: {
    /**
     * PEM of the agent's certificate or its CA, stored as a secret.
     */
    ca?: string;
    /**
     * SHA-256 fingerprint the agent printed when it started, checked in addition to the certificate.
     */
    fingerprint256?: string;
  };
  auth:
    | {
        /**
         * A stored secret, written as ${secret:name}. Secrets are never written inline.
         */
        apiKey: string;
      }
    | {
        mtls: {
          /**
           * A stored secret, written as ${secret:name}. Secrets are never written inline.
           */
          cert: string;
          /**
           * A stored secret, written as ${secret:name}. Secrets are never written inline.
           */
          key: string;
        };
      };
  /**
   * Sage 100 company code, e.g. KBS.
   */
  company: string;
  /**
   * The company's GL account structure; mapping tables' codes are checked against it.
   */
  accountFormat: {
    separator: string;
    /**
     * @minItems 1
     * @maxItems 10
     */
    segments: {
      name: string;
      length: number;
      type: 'numeric' | 'alphanumeric';
    }[];
  };
  timeoutMs?: number;
}
