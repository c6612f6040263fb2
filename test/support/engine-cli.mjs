// Entry point for test/support/engine-cli.ts in a child process (tsx's loader, as bin/ does).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./engine-cli.ts');
process.exitCode = await main(process.argv.slice(2));
