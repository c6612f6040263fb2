// Child process of crash.test.ts: a sim agent on 127.0.0.1 over DATA_DIR that kills itself with
// SIGKILL right after its Nth write reached the simulated Sage, before the outcome is recorded (the
// window where a write's effect is saved but its idempotency entry is not). N = 0: never.
// Usage: node --import tsx crash-child.ts DATA_DIR N
import type { Backend, Condition } from '../backends/backend.ts';
import { createSimBackend } from '../backends/sim/backend.ts';
import { startAgent } from '../index.ts';

const [dataDir = '', killAfter = '0'] = process.argv.slice(2);
const sim = createSimBackend({ dataDir });
const backend: Backend = { ...sim.backend };
let writes = 0;
backend.upsertSubAccount = async (company, input, condition: Condition) => {
  const result = await sim.backend.upsertSubAccount(company, input, condition);
  if (!condition.reconcile && ++writes === Number(killAfter)) process.kill(process.pid, 'SIGKILL');
  return result;
};
const agent = await startAgent({ backend, dataDir, port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url: agent.url })}\n`);
process.on('SIGTERM', () => void agent.close(100).then(() => process.exit(0)));
