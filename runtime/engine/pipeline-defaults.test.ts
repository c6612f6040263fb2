import { describe, expect, it } from 'vitest';
import type { MapStep, Pipeline, TransformStep } from '../load/pipeline.types.generated.ts';
import { resolvedPolicies, resolvedStep } from './pipeline-defaults.ts';

describe('schema defaults for the engine', () => {
  it('fills every policy default from the schema and keeps what is written', () => {
    const policies = resolvedPolicies({ policies: { retry: { maxAttempts: 3 } } } as unknown as Pipeline);
    expect(policies.retry).toEqual({ maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 300000 });
    expect(policies.quarantine.enabled).toBe(true);
    expect(policies.audit).toMatchObject({ enabled: true, includeValues: true });
    expect(policies.drift).toBe('report');
  });

  it('fills step defaults, through allOf', () => {
    expect(resolvedStep<MapStep>({ type: 'map', table: 't.yaml', from: 'a', to: 'b' }).onMissing).toBe('quarantine');
    expect(resolvedStep<TransformStep>({ type: 'transform', expression: '$' }).timeoutMs).toBe(1000);
  });
});
