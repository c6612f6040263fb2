// The JSON Schema of sage-profile.json. Every key is optional except profileVersion (a partial file is
// merged over the defaults), and every object is closed: a misspelt key must stop the agent, not be
// silently ignored and leave a guess in place.

const name = { type: 'string', minLength: 1, maxLength: 60, pattern: '^[A-Za-z0-9_$/]+$' } as const;
const column = { type: 'string', minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_]+\\$?$' } as const;
const pattern = { type: 'string', minLength: 1, maxLength: 500 } as const;
const busTask = { type: 'object', additionalProperties: false, properties: { bus: name, task: name } } as const;

export const PROFILE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://ml-connector.local/schema/sage-profile.json',
  title: 'Sage 100 agent site profile',
  type: 'object',
  additionalProperties: false,
  required: ['profileVersion'],
  properties: {
    profileVersion: { const: 1 },
    verified: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['at', 'by', 'company', 'headcount'],
          properties: { at: { type: 'string', format: 'date-time' }, by: { type: 'string', maxLength: 200 }, company: { type: 'string', maxLength: 3 }, headcount: { type: 'boolean' } },
        },
      ],
    },
    objects: {
      type: 'object',
      additionalProperties: false,
      properties: {
        subAccount: busTask,
        account: busTask,
        mainAccount: busTask,
        budget: busTask,
        options: {
          oneOf: [{ type: 'null' }, { type: 'object', additionalProperties: false, properties: { name, key: { type: ['string', 'null'], maxLength: 3 } } }],
        },
        structure: { oneOf: [{ type: 'null' }, name] },
        fiscalCalendar: { oneOf: [{ type: 'null' }, name] },
      },
    },
    accountFormat: { type: ['string', 'null'], pattern: '^.([AN][0-9]{2}){1,10}$' },
    accountLookup: {
      type: 'object',
      additionalProperties: false,
      properties: { method: { enum: ['index', 'scan'] }, index: name },
    },
    budget: {
      type: 'object',
      additionalProperties: false,
      properties: {
        code: { type: 'string', minLength: 1, maxLength: 10 },
        columns: {
          type: 'object',
          additionalProperties: false,
          properties: { code: column, accountKey: column, year: column, period: column, amount: column },
        },
      },
    },
    fiscalColumns: { type: 'object', additionalProperties: false, properties: { year: column, period: column, endDate: column } },
    messages: {
      type: 'object',
      additionalProperties: false,
      properties: { lock: pattern, licence: pattern, security: pattern, company: pattern },
    },
    byRef: {
      type: 'object',
      additionalProperties: false,
      properties: { string: { enum: ['string', 'number'] }, numeric: { enum: ['number', 'string'] } },
    },
  },
} as const;
