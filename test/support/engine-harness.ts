// Runs the fixture pipeline (test/fixtures/engine) in-process against the test connectors and a
// store, the way `run --once` does, so engine tests can drive one batch at a time.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistry } from '../../runtime/connectors/registry.ts';
import { createSecretResolver } from '../../runtime/secrets/resolver.ts';
import { openPipeline, type OpenedPipeline } from '../../runtime/engine/open-pipeline.ts';
import { runBatch, type RunBatchOptions, type RunBatchResult, type RunMode } from '../../runtime/engine/run-batch.ts';
import { IsolatedEvaluator } from '../../runtime/lib/jsonata-isolated.ts';
import { createLogger } from '../../runtime/lib/log.ts';
import { createMemoryStore } from '../../runtime/store/memory-store.ts';
import type { Store } from '../../runtime/store/store.ts';
import { repoRoot } from './cli.ts';
import { sourceData, testSinkDefinition, testSourceDefinition, type SinkProbe, type SourceData } from './test-connectors.ts';

export interface EngineHarness {
  dir: string;
  data: SourceData;
  probe: SinkProbe;
  store: Store;
  evaluator: IsolatedEvaluator;
  sleeps: number[];
  run(mode: RunMode, options?: { keys?: string[]; plan?: boolean; replay?: boolean; onPhase?: RunBatchOptions['onPhase'] }): Promise<RunBatchResult>;
  /** With keepOpen: the pipeline every run shares (opened on first use), as serve keeps it between batches. */
  open(): Promise<OpenedPipeline>;
  close(): Promise<void>;
}

export const fixtureDir = join(repoRoot, 'test/fixtures/engine');

export function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-engine-'));
  cpSync(fixtureDir, dir, { recursive: true });
  return dir;
}

/** keepOpen: one opened pipeline for every run (as serve has), instead of one per run (as `run --once`). conditional: a sink that refuses stale versions. */
export function engineHarness(options: { count?: number; store?: Store; keepOpen?: boolean; conditional?: boolean } = {}): EngineHarness {
  const dir = copyFixture();
  const data = sourceData(options.count ?? 200);
  const probe: SinkProbe = { effects: [], keysSeen: [], ...(options.conditional ? { conditional: true, reads: [] } : {}) };
  const registry = createRegistry([testSourceDefinition(data), testSinkDefinition(probe)]);
  const store = options.store ?? createMemoryStore();
  const evaluator = new IsolatedEvaluator();
  const sleeps: number[] = [];
  let runs = 0;
  let kept: OpenedPipeline | undefined;
  const openFixture = (runId: string): Promise<OpenedPipeline> =>
    openPipeline(join(dir, 'pipeline.yaml'), { registry, cwd: dir, env: {}, secrets: createSecretResolver({ dataDir: dir, env: {} }), store, logger: createLogger({ name: 'test', level: 'silent' }), evaluator, runId, signal: new AbortController().signal });
  return {
    dir,
    data,
    probe,
    store,
    evaluator,
    sleeps,
    async open() {
      kept ??= await openFixture('open');
      return kept;
    },
    async run(mode, runOptions = {}) {
      const runId = `run-${++runs}`;
      const signal = new AbortController().signal;
      const opened = options.keepOpen ? await this.open() : await openFixture(runId);
      try {
        return await runBatch({ pipeline: opened.compiled, source: opened.source, sink: opened.sink, store, mode, runId, signal, random: () => 0.5, sleep: async (ms) => void sleeps.push(ms), ...runOptions });
      } finally {
        if (!options.keepOpen) await opened.close();
      }
    },
    async close() {
      await kept?.close();
      await evaluator.close();
      await store.close();
    },
  };
}
