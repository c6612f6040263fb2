// `test` checks what an aggregate's cases produce against the sink it feeds: an aggregate file named
// by a pipeline's aggregate step must emit items the pipeline's sink accepts (a known entity, a key,
// values valid under the entity's valuesSchema), or its cases fail, even when they match `expected`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { parseYamlFile } from '../load/yaml-file.ts';
import { desiredItemChecker } from '../steps/aggregate.ts';

/** Returns why an output is not accepted, or undefined when every emitted item is. */
export type OutputCheck = ((output: unknown) => string | undefined) & {
  /** The aggregate step's partitionBy: each case is also evaluated per partition (partition-check.ts). */
  partitionBy?: string;
};

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks keyed by the absolute path of each aggregate file the pipelines under `dirs` use. */
export function rosterOutputChecks(registry: ConnectorRegistry, dirs: readonly string[]): Map<string, OutputCheck> {
  const checks = new Map<string, OutputCheck>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
      const path = join(dir, name);
      const parsed = parseYamlFile(name, readFileSync(path, 'utf8'));
      const doc = parsed.ok ? parsed.yaml.value : undefined;
      if (!isObject(doc) || !isObject(doc.sink) || !Array.isArray(doc.steps)) continue;
      const definition = typeof doc.sink.type === 'string' ? registry.get(doc.sink.type) : undefined;
      if (definition?.kind !== 'sink' || !isObject(doc.sink.config)) continue;
      let entities;
      try {
        entities = definition.entities(doc.sink.config);
      } catch {
        continue; // a config `validate` would refuse; its report says why
      }
      const itemCheck = desiredItemChecker(entities);
      for (const step of doc.steps) {
        if (!isObject(step) || step.type !== 'aggregate' || typeof step.file !== 'string') continue;
        const check: OutputCheck = (output) => {
          const items = output === undefined || output === null ? [] : Array.isArray(output) ? output : [output];
          for (const [index, item] of items.entries()) {
            const checked = itemCheck(item);
            if ('problem' in checked) return `item ${index} is not something ${doc.sink && isObject(doc.sink) ? String(doc.sink.type) : 'the sink'} accepts (pipeline ${name}): ${checked.problem}`;
          }
          return undefined;
        };
        if (typeof step.partitionBy === 'string') check.partitionBy = step.partitionBy;
        checks.set(resolve(dirname(path), step.file), check);
      }
    }
  }
  return checks;
}
