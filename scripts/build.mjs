#!/usr/bin/env node
// The package's build. `build` compiles the product to JavaScript beside its TypeScript
// (tsconfig.build.json), which is what an installed CLI runs; `clean` removes exactly those
// outputs again (a .js whose .ts sits beside it), so a checkout keeps running the TypeScript.
// npm runs them around `npm pack` / `npm publish` (prepack, postpack).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PRODUCT_DIRS = ['cli', 'runtime', 'connectors', 'sandbox', 'agent'];

function emitted(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : emitted(path);
    return entry.name.endsWith('.js') && existsSync(path.replace(/\.js$/, '.ts')) ? [path] : [];
  });
}

function clean() {
  for (const file of PRODUCT_DIRS.flatMap((d) => emitted(join(root, d)))) rmSync(file);
}

const mode = process.argv[2];
if (mode === 'clean') clean();
else if (mode === 'build') {
  clean();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) {
    clean();
    process.exit(result.status ?? 1);
  }
} else {
  process.stderr.write('usage: node scripts/build.mjs build|clean\n');
  process.exit(2);
}
