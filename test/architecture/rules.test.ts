// Architecture rules a reviewer would otherwise have to remember.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mjs)$/.test(entry.name)) out.push(path);
  }
  return out;
}

const PRODUCT_DIRS = ['runtime', 'connectors', 'cli', 'bin', 'sandbox', 'agent'].filter((d) => {
  try {
    readdirSync(join(repoRoot, d));
    return true;
  } catch {
    return false;
  }
});

/** Each third-party library is imported by exactly one module (tests and benches may use the wrappers only). */
const WRAPPERS: Record<string, string | string[]> = {
  yaml: 'runtime/lib/yaml.ts',
  ajv: 'runtime/lib/json-schema.ts',
  'ajv-formats': 'runtime/lib/json-schema.ts',
  jsonata: ['runtime/lib/jsonata.ts', 'runtime/lib/jsonata-worker.mjs'],
  undici: 'runtime/lib/http-client.ts',
  pino: 'runtime/lib/log.ts',
  selfsigned: 'runtime/lib/self-signed.ts',
  lowdb: 'runtime/lib/lowdb.ts',
  'node-cron': 'runtime/lib/cron.ts',
  'prom-client': 'runtime/lib/metrics.ts',
  'csv-parse': 'runtime/lib/csv.ts',
  tinyglobby: 'runtime/lib/glob.ts',
  pg: 'runtime/lib/pg.ts',
  // Test-only: the browser tests drive Debian's Chromium through it.
  'playwright-core': 'test/support/browser.ts',
};

function importsOf(text: string): string[] {
  const pattern = /(?:^|\n)\s*(?:import|export)[^'";]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...text.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

describe('architecture', () => {
  it('runtime/ names no system', () => {
    const offenders = sourceFiles('runtime')
      .filter((f) => !f.endsWith('.test.ts'))
      .filter((f) => /bamboo|\bsage(100)?\b/i.test(readFileSync(join(repoRoot, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('runtime/ imports nothing outside itself (connectors, sandbox, agent, cli)', () => {
    const leavesRuntime = (file: string, specifier: string): boolean =>
      specifier.startsWith('.') && relative(join(repoRoot, 'runtime'), join(repoRoot, dirname(file), specifier)).startsWith('..');
    // Tests beside a unit may use the shared test support; product code may not leave runtime/.
    const offenders = sourceFiles('runtime').filter((f) => !f.endsWith('.test.ts')).flatMap((f) =>
      importsOf(readFileSync(join(repoRoot, f), 'utf8'))
        .filter((i) => leavesRuntime(f, i) && !/\/schema\//.test(i))
        .map((i) => `${f} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('each third-party library is used through its one wrapper module', () => {
    const files = [...PRODUCT_DIRS, 'test', 'bench'].flatMap((d) => sourceFiles(d));
    const offenders: string[] = [];
    for (const file of files) {
      for (const specifier of importsOf(readFileSync(join(repoRoot, file), 'utf8'))) {
        const library = specifier.startsWith('ajv') ? specifier.split('/')[0] : specifier.split('/')[0];
        const wrapper = library ? WRAPPERS[library] : undefined;
        if (wrapper && ![wrapper].flat().includes(relative(repoRoot, join(repoRoot, file)))) offenders.push(`${file} imports ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the product never reads the team-only shared/ folder', () => {
    const offenders = [...PRODUCT_DIRS, 'test', 'bench', '.ci']
      .flatMap((d) => (d === '.ci' ? ['.ci/run'] : sourceFiles(d)))
      .filter((f) => /\.\.\/shared\b|\/work\/shared/.test(readFileSync(join(repoRoot, f), 'utf8')) && f !== 'test/architecture/rules.test.ts');
    expect(offenders).toEqual([]);
  });

  it('connectors import only runtime/index.ts from the runtime (the one door)', () => {
    const offenders = sourceFiles('connectors').flatMap((f) =>
      importsOf(readFileSync(join(repoRoot, f), 'utf8'))
        .filter((i) => i.startsWith('.'))
        .map((i) => relative(repoRoot, join(repoRoot, dirname(f), i)))
        .filter((target) => target.startsWith('runtime/') && target !== 'runtime/index.ts')
        .map((target) => `${f} imports ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it("a connector's folder is named after its type", async () => {
    const { connectorDefinitions } = await import('../../connectors/index.ts');
    const folders = readdirSync(join(repoRoot, 'connectors'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).toEqual(connectorDefinitions.map((d) => d.type).sort());
  });

  it('the engine, steps and policies use the Store port only, never a concrete store or the CLI', () => {
    const offenders = ['runtime/engine', 'runtime/steps', 'runtime/policies'].flatMap((d) => sourceFiles(d)).filter((f) => !f.endsWith('.test.ts')).flatMap((f) =>
      importsOf(readFileSync(join(repoRoot, f), 'utf8'))
        .filter((i) => (/\/store\//.test(i) && !i.endsWith('/store/store.ts')) || /\/cli\//.test(i))
        .map((i) => `${f} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});
