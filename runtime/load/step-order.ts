// Record steps (filter, map, transform) see one record at a time; roster steps (aggregate) see the
// whole mirror of records that passed them. A record step after an aggregate would have nothing to
// run on, so the order is checked when the pipeline loads, not discovered at run time.
import type { Diagnostic } from './diagnostic.ts';
import type { YamlFile } from './yaml-file.ts';

const ROSTER = new Set(['aggregate']);

export function checkStepOrder(steps: readonly unknown[], yaml: YamlFile): Diagnostic[] {
  const types = steps.map((s) => (typeof s === 'object' && s !== null ? (s as { type?: unknown }).type : undefined));
  const firstRoster = types.findIndex((t) => typeof t === 'string' && ROSTER.has(t));
  if (firstRoster < 0) return [];
  const diagnostics: Diagnostic[] = [];
  for (let index = firstRoster + 1; index < types.length; index++) {
    const type = types[index];
    if (typeof type !== 'string' || ROSTER.has(type)) continue;
    const pointer = `/steps/${index}`;
    diagnostics.push({
      code: 'MLC_STEP_ORDER',
      phase: 'schema',
      file: yaml.file,
      ...yaml.locate(pointer),
      path: pointer,
      message: `a ${type} step cannot follow the aggregate at /steps/${firstRoster}: record steps (filter, map, transform) come first, aggregates last`,
      hint: `move this step above step ${firstRoster + 1}`,
    });
  }
  return diagnostics;
}
