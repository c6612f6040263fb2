#!/usr/bin/env node
// The published entry point. Installed from the package, the CLI is compiled JavaScript (no .ts
// files are shipped) and starts without transpiling; in a checkout, tsx runs the TypeScript sources.
import { existsSync } from 'node:fs';

let main;
if (existsSync(new URL('../cli/main.ts', import.meta.url))) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
} else {
  ({ main } = await import('../cli/main.js'));
}
const code = await main(process.argv.slice(2));
// Exit explicitly once the output is written: a server that failed to close (say, it could not save
// its state) must not keep the process alive after its command has finished.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
