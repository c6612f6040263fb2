// What the sink keeps in step, in apply order: segment values before the accounts built from them,
// headcount last. Keys (stable strings the runtime diffs by): `department:WHS`, `6000-10-WHS-01`,
// `10-WHS-01@2026-11`, with codes as Sage stores them (numeric zero-filled, alphanumeric upper-case).
// Which accounts exist per cost center is the pipeline's choice (its desired items), not this file's.
import type { EntitySpec, JsonSchemaObject } from '../../runtime/index.ts';
import type { Sage100AgentSinkConfig } from './config.ts';

// Column widths of Sage 100 (GL_SubAccount.SubAccountDesc 40, GL_Account.AccountDesc 50); the agent
// refuses longer text, and `test` points it out before a run.
const SUB_ACCOUNT_DESCRIPTION = 40;
const ACCOUNT_DESCRIPTION = 50;

function codesBySegment(config: Readonly<Sage100AgentSinkConfig>): JsonSchemaObject {
  const names = config.accountFormat.segments.slice(1).map((s) => s.name);
  return {
    type: 'object',
    required: names,
    additionalProperties: false,
    properties: Object.fromEntries(names.map((name) => [name, { type: 'string', minLength: 1, maxLength: 15 }])),
  };
}

export function sinkEntities(config: Readonly<Sage100AgentSinkConfig>): readonly EntitySpec[] {
  const subSegments = config.accountFormat.segments.slice(1).map((s) => s.name);
  return [
    {
      name: 'subAccount',
      applyOrder: 1,
      deactivatable: true,
      compared: ['description', 'active'],
      valuesSchema: {
        type: 'object',
        required: ['segment', 'code', 'description'],
        additionalProperties: false,
        properties: {
          segment: { enum: subSegments },
          code: { type: 'string', minLength: 1, maxLength: 15 },
          description: { type: 'string', minLength: 1, maxLength: SUB_ACCOUNT_DESCRIPTION },
          active: { type: 'boolean' },
        },
      },
    },
    {
      name: 'account',
      applyOrder: 2,
      deactivatable: true,
      compared: ['description', 'active'],
      valuesSchema: {
        type: 'object',
        required: ['mainAccount', 'segments', 'description'],
        additionalProperties: false,
        properties: {
          mainAccount: { type: 'string', minLength: 1, maxLength: 15 },
          segments: codesBySegment(config),
          description: { type: 'string', minLength: 1, maxLength: ACCOUNT_DESCRIPTION },
          active: { type: 'boolean' },
          // Read-only in Sage (it comes from the main account): shown in actual items, never written.
          accountType: { type: 'string' },
        },
      },
    },
    {
      name: 'headcount',
      applyOrder: 3,
      deactivatable: false,
      compared: ['headcount'],
      valuesSchema: {
        type: 'object',
        required: ['costCenter', 'period', 'headcount'],
        additionalProperties: false,
        properties: {
          costCenter: codesBySegment(config),
          period: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' },
          // Full-time equivalents may be fractional.
          headcount: { type: 'number', minimum: 0, maximum: 1000000 },
        },
      },
    },
  ];
}
