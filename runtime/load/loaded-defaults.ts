// A loaded pipeline carries every schema default (policies, step and trigger settings, connector
// configs), so a default exists in exactly one place, the schema, and nothing downstream restates it.
// The result is frozen: configuration is read, never changed, once loaded.
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { withSchemaDefaults } from '../lib/json-schema.ts';
import { deepFreeze } from '../util/deep-freeze.ts';
import type { Pipeline } from './pipeline.types.generated.ts';
import { pipelineSchema } from './schemas.ts';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `doc` must already be valid; it is not modified. */
export function withDefaults(doc: Obj, registry: ConnectorRegistry): Readonly<Pipeline> {
  const copy = withSchemaDefaults(pipelineSchema, doc);
  for (const role of ['source', 'sink'] as const) {
    const node = copy[role];
    const definition = isObject(node) && typeof node.type === 'string' ? registry.get(node.type) : undefined;
    if (definition && isObject(node) && isObject(node.config)) node.config = withSchemaDefaults(definition.configSchema, node.config);
  }
  return deepFreeze(copy as unknown as Pipeline);
}
