// The demo's two stand-ins on loopback: the BambooHR sandbox over HTTPS with its own certificate,
// and the Sage 100 agent (sim backend) over HTTPS with its self-signed one. Both certificates are
// pinned by fingerprint in the demo's pipeline, as an integrator pins the customer's agent.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../../agent/index.ts';
import type { Logger } from '../../runtime/lib/log.ts';
import { generateSandboxCertificate, startBambooSandbox, type RunningSandbox } from '../../sandbox/bamboohr/index.ts';

export interface StandIns {
  sandbox: RunningSandbox;
  sandboxPem: string;
  sandboxFingerprint: string;
  agent: RunningAgent;
  agentKey: string;
  close(): Promise<void>;
}

/** `agentLogger` receives the agent's log (a test counts the writes that took effect from its request lines). */
export async function startStandIns(stateDir: string, options: { agentLogger?: Logger } = {}): Promise<StandIns> {
  const pair = await generateSandboxCertificate();
  const sandbox = await startBambooSandbox({ tls: pair, port: 0 });
  try {
    const agent = await startAgent({ backend: 'sim', dataDir: join(stateDir, 'agent'), port: 0, ...(options.agentLogger ? { logger: options.agentLogger } : {}) });
    const agentKey = agent.keys.add('ml-connector demo').key;
    return {
      sandbox,
      sandboxPem: pair.cert,
      sandboxFingerprint: new X509Certificate(pair.cert).fingerprint256,
      agent,
      agentKey,
      async close() {
        await agent.close(2_000);
        await sandbox.close();
      },
    };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}
