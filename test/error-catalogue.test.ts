// README.md's error table and runtime/errors.ts list the same codes, classes and meanings.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../runtime/errors.ts';
import { repoRoot } from './support/cli.ts';

function readmeRows(): string[][] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = /<!-- error-codes:start -->([\s\S]*?)<!-- error-codes:end -->/.exec(readme)?.[1] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split(' | ').map((c) => c.replace(/^\| |`| \|$/g, '').trim()));
}

describe('error catalogue', () => {
  it('README lists exactly the codes of runtime/errors.ts, with their class and meaning', () => {
    const expected = Object.entries(ERROR_CATALOGUE).map(([code, spec]) => [code, spec.class, spec.summary]);
    expect(readmeRows()).toEqual(expected);
  });

  it('every code the source reports is in the catalogue', () => {
    const files = ['runtime', 'connectors', 'cli'].flatMap((dir) => listTs(join(repoRoot, dir)));
    const used = new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'(MLC_[A-Z_]+)'/g)].map((m) => m[1] ?? '')));
    const unknown = [...used].filter((code) => !(code in ERROR_CATALOGUE));
    expect(used.size).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });
});

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listTs(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}
