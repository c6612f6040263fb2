import { httpsUrl, plainOrEnv, secretReference } from '../../runtime/connectors/schema-parts.ts';

export interface BambooHrSourceConfig {
  subdomain: string;
  auth: { oauth: { clientId: string; clientSecret: string; refreshToken?: string } } | { apiKey: string };
  fields?: string[];
  baseUrl?: string;
  includeTerminated?: boolean;
  timeoutMs?: number;
}

export const DEFAULT_FIELDS = [
  'firstName',
  'lastName',
  'employeeNumber',
  'status',
  'employmentHistoryStatus',
  'department',
  'division',
  'location',
  'jobTitle',
  'supervisorEId',
  'hireDate',
  'terminationDate',
  'lastChanged',
];

export const bambooHrSourceConfigSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'bamboohr-source config',
  type: 'object',
  additionalProperties: false,
  required: ['subdomain', 'auth'],
  properties: {
    subdomain: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
      description: "The customer's BambooHR company domain: the `acme` of acme.bamboohr.com.",
    },
    auth: {
      description: 'OAuth 2.0 (recommended: per-customer authorization with offline_access) or a BambooHR API key.',
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['oauth'],
          properties: {
            oauth: {
              type: 'object',
              additionalProperties: false,
              required: ['clientId', 'clientSecret'],
              properties: {
                clientId: { ...plainOrEnv, description: 'OAuth client id of the ml-connector application.' },
                clientSecret: secretReference,
                refreshToken: {
                  ...secretReference,
                  description: 'Where `ml-connector connect bamboohr` stored the refresh token.',
                },
              },
            },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['apiKey'],
          properties: { apiKey: secretReference },
        },
      ],
    },
    fields: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
      description: 'Employee fields to read (BambooHR field names or ids).',
    },
    baseUrl: {
      ...httpsUrl,
      description: 'Overrides https://{subdomain}.bamboohr.com, e.g. for the local sandbox.',
    },
    includeTerminated: {
      type: 'boolean',
      default: true,
      description: 'Read terminated employees too, so the sink can deactivate what they left behind.',
    },
    timeoutMs: { type: 'integer', minimum: 1000, maximum: 300000, default: 30000 },
  },
} as const;
