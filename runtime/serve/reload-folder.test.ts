import { describe, expect, it } from 'vitest';
import type { OpenedPipeline } from '../engine/open-pipeline.ts';
import type { LoadedFolder, ServedPipeline } from './load-pipelines.ts';
import { mergeReload } from './reload-folder.ts';

const served = (name: string, version: string, file = `${name}.yaml`): ServedPipeline => ({
  file,
  // Only what mergeReload reads: the version and close().
  opened: { compiled: { name, version }, close: async () => {} } as unknown as OpenedPipeline,
  cron: [],
  webhooks: [],
});

const folder = (pipelines: ServedPipeline[], failures: [string, string][] = []): LoadedFolder => ({
  pipelines: new Map(pipelines.map((p) => [p.opened.compiled.name, p])),
  failures: new Map(failures),
  refused: new Map(),
});

describe('mergeReload', () => {
  it('replaces a changed version, keeps an unchanged one open, adds and removes', () => {
    const a1 = served('a', 'v1');
    const b1 = served('b', 'v1');
    const gone = served('gone', 'v1');
    const current = folder([a1, b1, gone]);
    const a2 = served('a', 'v2');
    const b1again = served('b', 'v1');
    const c1 = served('c', 'v1');
    const { outcome, retire } = mergeReload(current, folder([a2, b1again, c1]));
    expect(outcome).toMatchObject({ added: ['c'], replaced: ['a'], removed: ['gone'] });
    expect(current.pipelines.get('a')).toBe(a2);
    expect(current.pipelines.get('b')).toBe(b1);
    expect(retire).toEqual([a1.opened, b1again.opened, gone.opened]);
  });

  it('keeps the running version when its new version does not load, and says why', () => {
    const a1 = served('a', 'v1');
    const current = folder([a1]);
    const { outcome, retire } = mergeReload(current, folder([], [['a.yaml', 'a.yaml:3:1 /steps: bad']]));
    expect(current.pipelines.get('a')).toBe(a1);
    expect(retire).toEqual([]);
    expect(outcome.refused.get('a.yaml')).toMatch(/bad/);
    expect(current.refused.get('a.yaml')).toMatch(/bad/);
    // Refused, not "not loaded": it runs.
    expect(current.failures.size).toBe(0);
  });

  it('lists a new file that does not load as not loaded', () => {
    const current = folder([served('a', 'v1')]);
    mergeReload(current, folder([served('a', 'v1')], [['new.yaml', 'broken']]));
    expect(current.failures.get('new.yaml')).toBe('broken');
  });
});
