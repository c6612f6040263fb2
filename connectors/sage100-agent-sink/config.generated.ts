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
  /**
   * The main accounts whose GL accounts this pipeline keeps in step (e.g. the labor accounts 6000, 6100, 6200). A complete run reads, and may deactivate, only accounts under these mains; every other account of the company is left alone. Without it, every account of the company is in scope.
   *
   * @minItems 1
   */
  mainAccounts?: string[];
  /**
   * Per request, headers and body together.
   */
  timeoutMs?: number;
  /**
   * Items per list request (the agent's maximum is 5,000): a plan reads actual state in a few bulk reads.
   */
  pageSize?: number;
  /**
   * Attempts per write while a record is locked or the agent is busy (its Retry-After is honoured); after them the change is left pending and retried by the engine later.
   */
  writeAttempts?: number;
}
