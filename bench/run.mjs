#!/usr/bin/env node
// Runs every bench/*.bench.ts in its own process, one after the other (so they do not compete for
// the 2 cores), passing their JSON lines through. Each bench prints one JSON object per line:
// {"bench": name, ...figures}. `npm run bench -- NAME` runs only the benches whose file name contains NAME.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
let failed = 0;
for (const file of files) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit', cwd: join(here, '..') });
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`${JSON.stringify({ bench: file.replace(/\.bench\.ts$/, ''), error: `exited with ${result.status}` })}\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
