// Hand edits seen by a run. The committed desired state is what the sink was last given and took; when
// the actual state read for a change no longer matches it, someone changed the item in the sink since
// (edited, deactivated or deleted it by hand). The pipeline's drift policy decides: `report` leaves
// the item alone and reports it (a run must not silently write over a hand edit), `repair` writes the
// desired state back and says so in the audit trail, `ignore` writes without looking. The same rule
// the sink applies when an item changes between its read and its write (a 412), and the same as the
// drift poll of serve, so `run`, `plan` and `serve` agree.
import type { ActualItem, Change, DesiredItem, DriftPolicy, EntitySpec, JsonObject } from '../connectors/definition.ts';
import { itemId } from '../store/store.ts';
import { differs } from './diff.ts';

export interface HandEdit {
  change: Change;
  detail: string;
}

export interface HandEditSplit {
  /** What goes to the sink. */
  apply: Change[];
  /** Changes over an item edited by hand: held back (report) or written back (repair). */
  edited: HandEdit[];
}

/**
 * `sent` holds, per item, values an earlier batch sent without learning the outcome (its pending
 * change): a sink that took them without answering holds our write, not a hand edit.
 */
export function splitHandEdits(changes: readonly Change[], committed: ReadonlyMap<string, DesiredItem>, actual: readonly ActualItem[], entities: readonly EntitySpec[], policy: DriftPolicy, sent: ReadonlyMap<string, JsonObject> = new Map()): HandEditSplit {
  if (policy === 'ignore') return { apply: [...changes], edited: [] };
  const specs = new Map(entities.map((e) => [e.name, e]));
  const actualById = new Map(actual.map((a) => [itemId(a.entity, a.key), a]));
  const apply: Change[] = [];
  const edited: HandEdit[] = [];
  for (const change of changes) {
    const id = itemId(change.entity, change.key);
    const given = committed.get(id);
    const spec = specs.get(change.entity);
    const now = actualById.get(id);
    // Never given to the sink (or deactivated by the pipeline itself): nothing of ours was edited.
    const ours = (values: JsonObject | undefined): boolean => spec !== undefined && now !== undefined && values !== undefined && !differs(spec, values, now);
    const detail = !given || !spec ? undefined : !now ? 'deleted in the sink by hand' : !ours(given.values) && !ours(sent.get(id)) ? 'changed in the sink by hand' : undefined;
    if (!detail) {
      apply.push(change);
      continue;
    }
    edited.push({ change, detail: policy === 'repair' ? `${detail}; written back (policy repair)` : `${detail}; reported, not overwritten (policy report)` });
    if (policy === 'repair') apply.push(change);
  }
  return { apply, edited };
}
