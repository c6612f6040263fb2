// Child for the durable-write kill test: writes {n, pad} to a file through the lowdb wrapper's durable
// write, n = 1, 2, 3…, printing each n once the write returned (acknowledged).
import { register } from 'tsx/esm/api';

register();
const { writeFileDurably } = await import('../../runtime/lib/lowdb.ts');
const file = process.argv[2];
const pad = 'x'.repeat(64 * 1024);
for (let n = 1; ; n++) {
  writeFileDurably(file, JSON.stringify({ n, pad }));
  process.stdout.write(`${n}\n`);
}
