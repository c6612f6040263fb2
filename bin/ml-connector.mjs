#!/usr/bin/env node
// The published entry point. The product is TypeScript run through tsx, so the shim registers tsx's
// loader and hands over to the CLI; no build step is needed in the container or in CI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
