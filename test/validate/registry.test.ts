// The connector contract: every registered connector's definition is complete and its examples are
// valid against its own schema; the registry is a value with did-you-mean lookups.
import { describe, expect, it } from 'vitest';
import { connectorDefinitions } from '../../connectors/index.ts';
import { createRegistry } from '../../runtime/connectors/registry.ts';
import { createSchemaCompiler } from '../../runtime/lib/json-schema.ts';

describe.each(connectorDefinitions.map((d) => [d.type, d] as const))('connector %s', (_type, definition) => {
  it('has a lower-case dashed type, a kind and a summary', () => {
    expect(definition.type).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(['source', 'sink']).toContain(definition.kind);
    expect(definition.summary.length).toBeGreaterThan(10);
  });

  it('compiles its config schema in strict mode and accepts each example', () => {
    const validate = createSchemaCompiler({ allErrors: true }).compile(definition.configSchema);
    expect(definition.examples.length).toBeGreaterThan(0);
    for (const example of definition.examples) {
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('refuses an inline secret where a ${secret:…} reference belongs', () => {
    const validate = createSchemaCompiler().compile(definition.configSchema);
    const withInline = JSON.parse(JSON.stringify(definition.examples[0]).replace(/\$\{secret:[^}]+\}/, 'hunter2')) as unknown;
    expect(validate(withInline)).toBe(false);
  });
});

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

  it('connectors whose behaviour is not built yet refuse to run instead of pretending', () => {
    for (const definition of connectorDefinitions) {
      expect(() => definition.create(definition.examples[0], {} as never)).toThrow(/cannot run yet/);
    }
  });
});
