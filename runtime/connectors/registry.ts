import { closestMatch } from '../util/did-you-mean.ts';
import type { ConnectorDefinition, ConnectorKind } from './definition.ts';

// Definitions are stored with their config type erased: the registry only ever hands them config that
// has passed their own schema, so `unknown` config is the honest type here.
// biome-ignore lint/suspicious/noExplicitAny: contravariant config parameter; see above
export type AnyConnectorDefinition = ConnectorDefinition<any>;

export interface ConnectorRegistry {
  types(): string[];
  get(type: string): AnyConnectorDefinition | undefined;
  /** The closest registered type of that kind, for "did you mean". */
  suggest(type: string, kind?: ConnectorKind): string | undefined;
}

/** Builds a registry from an explicit list. No import side effects: tests build their own. */
export function createRegistry(definitions: readonly AnyConnectorDefinition[]): ConnectorRegistry {
  const byType = new Map<string, AnyConnectorDefinition>();
  for (const definition of definitions) {
    if (byType.has(definition.type)) throw new Error(`connector type '${definition.type}' is registered twice`);
    byType.set(definition.type, definition);
  }
  return {
    types: () => [...byType.keys()].sort(),
    get: (type) => byType.get(type),
    suggest: (type, kind) =>
      closestMatch(
        type,
        [...byType.values()].filter((d) => kind === undefined || d.kind === kind).map((d) => d.type),
      ),
  };
}
