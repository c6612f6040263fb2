// The engine fixture opened for worker tests: a memory store, the test source with 30 employees and
// the test sink recording its effects in a probe.
import { join } from 'node:path';
import { createRegistry } from '../../runtime/connectors/registry.ts';
import { openPipeline, type OpenedPipeline } from '../../runtime/engine/open-pipeline.ts';
import { IsolatedEvaluator } from '../../runtime/lib/jsonata-isolated.ts';
import { silentLogger } from '../../runtime/lib/log.ts';
import { createSecretResolver } from '../../runtime/secrets/resolver.ts';
import { createMemoryStore } from '../../runtime/store/memory-store.ts';
import type { Store } from '../../runtime/store/store.ts';
import { copyFixture } from './engine-harness.ts';
import { sourceData, testSinkDefinition, testSourceDefinition, type SinkProbe } from './test-connectors.ts';

export interface WorkerFixture {
  store: Store;
  opened: OpenedPipeline;
  probe: SinkProbe;
  close(): Promise<void>;
}

export async function openWorkerFixture(employees = 30): Promise<WorkerFixture> {
  const dir = copyFixture();
  const probe: SinkProbe = { effects: [], keysSeen: [] };
  const store = createMemoryStore();
  const evaluator = new IsolatedEvaluator();
  const registry = createRegistry([testSourceDefinition(sourceData(employees)), testSinkDefinition(probe)]);
  const opened = await openPipeline(join(dir, 'pipeline.yaml'), { registry, cwd: dir, env: {}, secrets: createSecretResolver({ dataDir: dir, env: {} }), store, logger: silentLogger(), evaluator, runId: 'test', signal: new AbortController().signal });
  return {
    store,
    opened,
    probe,
    async close() {
      await opened.close();
      await evaluator.close();
      await store.close();
    },
  };
}
