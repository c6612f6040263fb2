import type { CodeFormat } from '../../runtime/connectors/definition.ts';
import { httpsUrl, secretReference } from '../../runtime/connectors/schema-parts.ts';

export interface AccountSegment {
  name: string;
  length: number;
  type: 'numeric' | 'alphanumeric';
}

export interface Sage100AgentSinkConfig {
  url: string;
  tls: { ca?: string; fingerprint256?: string };
  auth: { apiKey: string } | { mtls: { cert: string; key: string } };
  company: string;
  accountFormat: { separator: string; segments: AccountSegment[] };
  timeoutMs?: number;
}

export const sage100AgentSinkConfigSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'sage100-agent-sink config',
  type: 'object',
  additionalProperties: false,
  required: ['url', 'tls', 'auth', 'company', 'accountFormat'],
  properties: {
    url: { ...httpsUrl, description: "The ml-connector agent on the customer's Sage 100 server, e.g. https://sage-agent.acme.internal:8443." },
    tls: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      description: "How the agent's (usually self-signed) certificate is trusted. Verification is always on: pin it, never switch it off.",
      properties: {
        ca: { ...secretReference, description: "PEM of the agent's certificate or its CA, stored as a secret." },
        fingerprint256: {
          type: 'string',
          pattern: '^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$',
          description: 'SHA-256 fingerprint the agent printed when it started, checked in addition to the certificate.',
        },
      },
    },
    auth: {
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['apiKey'], properties: { apiKey: secretReference } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['mtls'],
          properties: {
            mtls: {
              type: 'object',
              additionalProperties: false,
              required: ['cert', 'key'],
              properties: { cert: secretReference, key: secretReference },
            },
          },
        },
      ],
    },
    company: { type: 'string', pattern: '^[A-Z0-9]{3}$', description: 'Sage 100 company code, e.g. KBS.' },
    accountFormat: {
      type: 'object',
      additionalProperties: false,
      required: ['separator', 'segments'],
      description: "The company's GL account structure; mapping tables' codes are checked against it.",
      properties: {
        separator: { type: 'string', minLength: 1, maxLength: 1 },
        segments: {
          type: 'array',
          minItems: 1,
          maxItems: 10,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'length', 'type'],
            properties: {
              name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
              length: { type: 'integer', minimum: 1, maximum: 15 },
              type: { enum: ['numeric', 'alphanumeric'] },
            },
          },
        },
      },
    },
    timeoutMs: { type: 'integer', minimum: 1000, maximum: 300000, default: 30000 },
  },
} as const;

export function segmentFormats(config: Sage100AgentSinkConfig): Record<string, CodeFormat> {
  const formats: Record<string, CodeFormat> = {};
  for (const segment of config.accountFormat.segments) formats[segment.name] = { length: segment.length, charset: segment.type };
  return formats;
}
