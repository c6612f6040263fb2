// The connector contract harness: one suite every connector must pass. The static half (definition,
// schema, examples, inline secrets) runs for every registered connector in test/connectors/; a
// connector's own test file runs the live half against its stand-in by passing `live`.
import { describe, expect, it } from 'vitest';
import type { AnyConnectorDefinition } from '../../runtime/connectors/registry.ts';
import type { SinkConnector, SourceConnector } from '../../runtime/connectors/definition.ts';
import { createSchemaCompiler } from '../../runtime/lib/json-schema.ts';
import { createFakeContext, type FakeContextOptions } from './fake-context.ts';

export interface LiveSetup {
  /** A config (validated by the harness) pointing at a running stand-in. */
  config: Record<string, unknown>;
  context?: FakeContextOptions;
  teardown?(): Promise<void>;
}

export interface HarnessOptions {
  /** Starts a stand-in and returns a config for it; without it only the static checks run. */
  live?: () => Promise<LiveSetup>;
  /** For a sink: an entity whose actual state can be read in the abort test. */
  readableEntity?: string;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

export function describeConnectorContract(definition: AnyConnectorDefinition, options: HarnessOptions = {}): void {
  describe(`connector contract: ${definition.type}`, () => {
    it('has a lower-case dashed type, a kind and a summary', () => {
      expect(definition.type).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(['source', 'sink']).toContain(definition.kind);
      expect(definition.summary.length).toBeGreaterThan(10);
    });

    it('compiles its config schema in strict mode and accepts each example', () => {
      const validate = createSchemaCompiler({ allErrors: true }).compile(definition.configSchema);
      expect(definition.examples.length).toBeGreaterThan(0);
      for (const example of definition.examples) expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    });

    it('refuses an inline secret where a ${secret:…} reference belongs', () => {
      const validate = createSchemaCompiler().compile(definition.configSchema);
      for (const example of definition.examples) {
        const text = JSON.stringify(example);
        if (!text.includes('${secret:')) continue;
        expect(validate(JSON.parse(text.replace(/\$\{secret:[^}]+\}/, 'hunter2')))).toBe(false);
      }
    });

    if (definition.kind === 'sink') {
      it('declares its entities with distinct names and an apply order', () => {
        const entities = definition.entities(deepFreeze(structuredClone(definition.examples[0])));
        expect(entities.length).toBeGreaterThan(0);
        expect(new Set(entities.map((e) => e.name)).size).toBe(entities.length);
        for (const entity of entities) expect(Number.isFinite(entity.applyOrder)).toBe(true);
      });
    }

    const live = options.live;
    if (!live) return;

    it('is created from a frozen config, checks, honours abort and closes twice (and a sink with conditional writes refuses a stale one)', async () => {
      const setup = await live();
      try {
        const validate = createSchemaCompiler({ allErrors: true }).compile(definition.configSchema);
        const config = structuredClone(setup.config);
        expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
        const fake = createFakeContext(setup.context);
        const connector: SourceConnector | SinkConnector = await definition.create(deepFreeze(config), fake.context);
        if (connector.check) {
          const result = await connector.check({ signal: fake.context.signal });
          expect(result.ok, result.detail).toBe(true);
          expect(result.detail.length).toBeGreaterThan(0);
        }
        const aborted = AbortSignal.abort(new Error('stopped by the test'));
        if (definition.kind === 'source') {
          const source = connector as SourceConnector;
          await expect(consume(source.readAll({ signal: aborted }))).rejects.toThrow();
        } else if (options.readableEntity) {
          const sink = connector as SinkConnector;
          await expect(sink.readActual(options.readableEntity, 'all', { signal: aborted })).rejects.toThrow();
          if (sink.conditionalWrites) await staleWriteIsRefused(definition, config, sink, options.readableEntity, fake.context.signal);
        }
        await connector.close?.();
        await connector.close?.();
      } finally {
        await setup.teardown?.();
      }
    });
  });
}

/**
 * A sink that says its writes are conditional is taken at its word by the runtime (it writes over the
 * version it remembers without reading), so the contract holds it to it: a write over a version that
 * is no longer current, of an item that no longer holds what the runtime believed, is reported as
 * drift (policy report) and changes nothing.
 */
async function staleWriteIsRefused(definition: AnyConnectorDefinition, config: Record<string, unknown>, sink: SinkConnector, entityName: string, signal: AbortSignal): Promise<void> {
  const entity = definition.kind === 'sink' ? definition.entities(config).find((e) => e.name === entityName) : undefined;
  const field = entity?.compared.find((f) => f !== 'active');
  const item = (await sink.readActual(entityName, 'all', { signal })).find((i) => i.version !== undefined && field !== undefined && typeof i.values[field] === 'string');
  if (!entity || !field || !item?.version) throw new Error(`the contract needs a ${entityName} item with a version and a string field among ${JSON.stringify(entity?.compared)}`);
  const stale = item.version.endsWith('"') ? `${item.version.slice(0, -1)}0"` : `${item.version}0`;
  const was = String(item.values[field]);
  const change = {
    entity: entityName,
    key: item.key,
    action: 'update' as const,
    before: { ...item.values, active: item.active, [field]: `${was.slice(0, 20)} (believed)` },
    after: { ...item.values, [field]: `${was.slice(0, 20)} (contract)` },
    idempotencyKey: `contract-stale-${item.key}`,
    expectedVersion: stale,
  };
  const [result] = await sink.apply([change], { signal, drift: 'report' });
  expect(result?.status, JSON.stringify(result)).toBe('drift');
  const after = (await sink.readActual(entityName, [item.key], { signal }))[0];
  expect(after?.values[field]).toBe(was);
}

async function consume(pages: AsyncIterable<unknown>): Promise<void> {
  for await (const _page of pages) {
    // reading until the source stops
  }
}
