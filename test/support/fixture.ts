// A throw-away copy of the example pipeline and its mappings, to break one thing at a time.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from './cli.ts';

export const EXAMPLE_PIPELINE = 'pipelines/keystone-bamboohr-to-sage100.yaml';

export interface Fixture {
  dir: string;
  path(name: string): string;
  read(name: string): string;
  write(name: string, text: string | Buffer): void;
  edit(name: string, from: string | RegExp, to: string): void;
  /** Every file below the fixture with its size and mtime, to prove a command wrote nothing. */
  listing(): string[];
  remove(): void;
}

export function exampleFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-fixture-'));
  cpSync(join(repoRoot, 'pipelines'), join(dir, 'pipelines'), { recursive: true });
  cpSync(join(repoRoot, 'mappings'), join(dir, 'mappings'), { recursive: true });
  const path = (name: string): string => join(dir, name);
  const listing = (): string[] => {
    const out: string[] = [];
    const walk = (d: string): void => {
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        const full = join(d, entry.name);
        if (entry.isDirectory()) walk(full);
        else {
          const info = statSync(full);
          out.push(`${relative(dir, full)} ${info.size} ${info.mtimeMs}`);
        }
      }
    };
    walk(dir);
    return out.sort();
  };
  return {
    dir,
    path,
    read: (name) => readFileSync(path(name), 'utf8'),
    write: (name, text) => writeFileSync(path(name), text),
    edit(name, from, to) {
      const before = readFileSync(path(name), 'utf8');
      const after = before.replace(from, to);
      if (after === before) throw new Error(`fixture edit of ${name} changed nothing: ${String(from)}`);
      writeFileSync(path(name), after);
    },
    listing,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
