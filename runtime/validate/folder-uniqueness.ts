// The pipelines of one folder run in one runtime: their names key audit records and checkpoints, and
// their webhook paths share one HTTP server. A second pipeline with the same name or path is an error
// that names the first.
import { dirname } from 'node:path';
import { formatPosition, type Diagnostic } from '../load/diagnostic.ts';
import type { PipelineIdentity } from '../load/load-pipeline.ts';

export interface IdentifiedPipeline {
  /** Absolute path, for grouping by folder. */
  path: string;
  /** As shown in messages. */
  file: string;
  identity: PipelineIdentity;
}

/** Diagnostics by file (as shown), in the order the pipelines are given. */
export function checkFolderUniqueness(pipelines: readonly IdentifiedPipeline[]): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  const add = (file: string, d: Diagnostic): void => {
    out.set(file, [...(out.get(file) ?? []), d]);
  };
  const names = new Map<string, { file: string; line: number; col: number }>();
  const paths = new Map<string, { file: string; line: number; col: number }>();
  for (const { path, file, identity } of pipelines) {
    const folder = dirname(path);
    if (identity.name) {
      const key = `${folder}\0${identity.name.value}`;
      const first = names.get(key);
      if (first) {
        add(file, { code: 'MLC_DUPLICATE_PIPELINE_NAME', phase: 'schema', file, line: identity.name.line, col: identity.name.col, path: '/name', message: `pipeline name '${identity.name.value}' is already used by ${formatPosition(first)}`, hint: 'each pipeline in a folder needs its own name: audit records and checkpoints are keyed by it' });
      } else names.set(key, { file, line: identity.name.line, col: identity.name.col });
    }
    // Within one file the load already reported repeats; across files, each path once per folder.
    const own = new Set<string>();
    for (const hook of identity.webhookPaths) {
      if (own.has(hook.path)) continue;
      own.add(hook.path);
      const key = `${folder}\0${hook.path}`;
      const first = paths.get(key);
      if (first) {
        add(file, { code: 'MLC_DUPLICATE_WEBHOOK_PATH', phase: 'schema', file, line: hook.line, col: hook.col, path: hook.pointer, message: `webhook path '${hook.path}' is already used by ${formatPosition(first)}`, hint: 'the pipelines of a folder share one webhook server: give each trigger its own path' });
      } else paths.set(key, { file, line: hook.line, col: hook.col });
    }
  }
  return out;
}
