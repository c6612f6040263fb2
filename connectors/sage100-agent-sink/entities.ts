// What the sink keeps in step, in apply order: segment values before the accounts built from them,
// headcount last. The value schemas are what `test` checks aggregate output against.
import type { EntitySpec } from '../../runtime/index.ts';
import type { Sage100AgentSinkConfig } from './config.ts';

export function sinkEntities(_config: Readonly<Sage100AgentSinkConfig>): readonly EntitySpec[] {
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
          segment: { type: 'string', minLength: 1 },
          code: { type: 'string', minLength: 1 },
          description: { type: 'string', minLength: 1, maxLength: 30 },
          active: { type: 'boolean' },
        },
      },
    },
    {
      name: 'account',
      applyOrder: 2,
      deactivatable: true,
      compared: ['description', 'accountType', 'active'],
      valuesSchema: {
        type: 'object',
        required: ['mainAccount', 'segments', 'description'],
        additionalProperties: false,
        properties: {
          mainAccount: { type: 'string', minLength: 1 },
          segments: { type: 'object', additionalProperties: { type: 'string' } },
          description: { type: 'string', minLength: 1, maxLength: 30 },
          accountType: { type: 'string' },
          active: { type: 'boolean' },
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
          costCenter: { type: 'object', additionalProperties: { type: 'string' } },
          period: { type: 'string', pattern: '^\\d{4}-\\d{2}$' },
          headcount: { type: 'integer', minimum: 0 },
        },
      },
    },
  ];
}
