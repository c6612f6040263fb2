// The registry is a value with did-you-mean lookups (the connector contract itself: test/connectors/).
import { describe, expect, it } from 'vitest';
import { connectorDefinitions } from '../../connectors/index.ts';
import { createRegistry } from '../../runtime/connectors/registry.ts';

describe('registry', () => {
  const registry = createRegistry(connectorDefinitions);

  it('lists the shipped connectors', () => {
    expect(registry.types()).toEqual(['bamboohr-source', 'sage100-agent-sink']);
  });

  it('suggests the closest type of the right kind', () => {
    expect(registry.suggest('bambohr-source', 'source')).toBe('bamboohr-source');
    expect(registry.suggest('sage100-sink', 'sink')).toBe('sage100-agent-sink');
    expect(registry.suggest('kafka', 'source')).toBeUndefined();
  });

  it('is built from an explicit list, and refuses a type registered twice', () => {
    expect(createRegistry([]).types()).toEqual([]);
    const first = connectorDefinitions[0];
    if (!first) throw new Error('no connectors');
    expect(() => createRegistry([first, first])).toThrow(/registered twice/);
  });
});
