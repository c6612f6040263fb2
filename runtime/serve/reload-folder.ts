// What a reload changes: the freshly loaded folder is merged into the one being served. A pipeline whose
// new version loads replaces the old one (the caller swaps it between batches and closes the old
// connectors); one whose new version does not load keeps running as it was, and the refusal is kept
// for /readyz; one whose version did not change keeps its open connectors (the fresh copy is closed).
import type { OpenedPipeline } from '../engine/open-pipeline.ts';
import type { LoadedFolder } from './load-pipelines.ts';

export interface ReloadOutcome {
  added: string[];
  replaced: string[];
  removed: string[];
  /** file → why its new version was refused; the old version keeps running. */
  refused: Map<string, string>;
}

export const changedAnything = (o: ReloadOutcome): boolean => o.added.length + o.replaced.length + o.removed.length > 0;

/** Mutates `current` into the merged folder; returns what changed and the pipelines to close. */
export function mergeReload(current: LoadedFolder, fresh: LoadedFolder): { outcome: ReloadOutcome; retire: OpenedPipeline[] } {
  const outcome: ReloadOutcome = { added: [], replaced: [], removed: [], refused: new Map() };
  const retire: OpenedPipeline[] = [];
  for (const [name, served] of fresh.pipelines) {
    const old = current.pipelines.get(name);
    if (old && old.opened.compiled.version === served.opened.compiled.version) {
      retire.push(served.opened);
      continue;
    }
    if (old) {
      retire.push(old.opened);
      outcome.replaced.push(name);
    } else outcome.added.push(name);
    current.pipelines.set(name, served);
  }
  for (const [name, old] of [...current.pipelines]) {
    if (fresh.pipelines.has(name)) continue;
    const reason = fresh.failures.get(old.file);
    if (reason !== undefined) {
      outcome.refused.set(old.file, reason);
      continue;
    }
    current.pipelines.delete(name);
    retire.push(old.opened);
    outcome.removed.push(name);
  }
  const running = new Set([...current.pipelines.values()].map((p) => p.file));
  current.failures = new Map([...fresh.failures].filter(([file]) => !running.has(file)));
  current.refused = outcome.refused;
  return { outcome, retire };
}
