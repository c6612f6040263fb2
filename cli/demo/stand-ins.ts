// The two stand-ins the demo talks to, on loopback with ephemeral ports: the BambooHR sandbox
// (company `keystone`, consent given automatically) and the Sage 100 agent with its `sim` backend
// over HTTPS (a self-signed certificate the runtime pins by fingerprint) and an API key made for
// this run. Both live in this process; their state stays under the demo folder.
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../../agent/index.ts';
import { startBambooSandbox, type RunningSandbox } from '../../sandbox/bamboohr/index.ts';

export interface StandIns {
  sandbox: RunningSandbox;
  agent: RunningAgent;
  /** The API key the runtime uses for this run (never printed). */
  agentKey: string;
  close(): Promise<void>;
}

export interface StandInOptions {
  /** The demo folder; the agent keeps its certificate, keys and sim data in `agent/` below it. */
  dir: string;
  /** How many employees the sandbox seeds (default: its Keystone roster). */
  employees?: number;
}

export async function startStandIns(options: StandInOptions): Promise<StandIns> {
  const sandbox = await startBambooSandbox({ port: 0, host: '127.0.0.1', ...(options.employees ? { employees: options.employees } : {}) });
  let agent: RunningAgent;
  try {
    agent = await startAgent({ backend: 'sim', dataDir: join(options.dir, 'agent'), port: 0, host: '127.0.0.1' });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  const agentKey = agent.keys.add('ml-connector demo').key;
  return {
    sandbox,
    agent,
    agentKey,
    async close() {
      await Promise.allSettled([sandbox.close(), agent.close(1000)]);
    },
  };
}
