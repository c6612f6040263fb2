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

  // Codes as product code writes them: a quoted literal where an error or diagnostic is made.
  const emitted = (): Set<string> => {
    const files = ['runtime', 'connectors', 'cli', 'sandbox', 'agent']
      .flatMap((dir) => listTs(join(repoRoot, dir)))
      .filter((f) => !f.endsWith('.test.ts') && !/[\\/]test[\\/]/.test(f) && f !== join(repoRoot, 'runtime', 'errors.ts'));
    return new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'(MLC_[A-Z0-9_]+)'/g)].map((m) => m[1] ?? '')));
  };

  it('every code the product emits is in the catalogue', () => {
    const unknown = [...emitted()].filter((code) => !(code in ERROR_CATALOGUE));
    expect(emitted().size).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });

  it('every catalogue code is emitted somewhere in the product (or it is removed)', () => {
    const used = emitted();
    expect(Object.keys(ERROR_CATALOGUE).filter((code) => !used.has(code))).toEqual([]);
  });
});

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listTs(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}
