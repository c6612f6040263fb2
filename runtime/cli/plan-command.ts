// `plan <pipeline>`: the run path with nothing applied or committed, showing what would be created,
// updated and deactivated with before → after per field. `--from-snapshot FILE` plans offline
// against what `snapshot export` wrote (a CI runner cannot usually reach the customer's network).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { compileFromFile } from '../engine/open-pipeline.ts';
import { planDocument, renderPlanMarkdown, renderPlanText, type PlanDocument } from '../engine/plan-render.ts';
import { runBatch, type RunMode } from '../engine/run-batch.ts';
import { parseSnapshot, snapshotSink, snapshotSource } from '../engine/snapshot.ts';
import { IsolatedEvaluator } from '../lib/jsonata-isolated.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { parseCommandArgs } from './args.ts';
import { UsageError, type CliIo, type Command } from './command.ts';
import type { SecretResolver } from '../secrets/resolver.ts';
import { STORE_OPTIONS, STORE_USAGE, commandSecrets, newRunId, openCommandStore, reportingErrors } from './engine-command.ts';
import { executeBatch } from './run-command.ts';

const USAGE = `Usage: ml-connector plan <pipeline> [--mode full|changed-since] [--format text|json|markdown] [--from-snapshot FILE] [options]

Shows what a run would change in the sink — created, updated, deactivated, with before → after per
field — and writes nothing (no sink write, no state). --mode full (the default) compares
everything and shows deactivations; changed-since only what changed since the last checkpoint.
--format markdown is made to be posted on a pull request. --from-snapshot plans offline against a
file from 'ml-connector snapshot export' (no source or sink is contacted) and says how old it is.

${STORE_USAGE}`;

async function planFromSnapshot(registry: ConnectorRegistry, io: CliIo, pipelineFile: string, snapshotFile: string, mode: RunMode, secrets: SecretResolver): Promise<PlanDocument> {
  const path = resolve(io.cwd, snapshotFile);
  const snapshot = parseSnapshot(await readFile(path, 'utf8').catch(() => {
    throw new UsageError(`cannot read the snapshot ${snapshotFile}`);
  }), snapshotFile);
  const evaluator = new IsolatedEvaluator();
  const store = createMemoryStore();
  try {
    const compiled = await compileFromFile(pipelineFile, { registry, cwd: io.cwd, env: io.env, evaluator, secrets }, true);
    if (compiled.name !== snapshot.pipeline) throw new UsageError(`the snapshot is of pipeline '${snapshot.pipeline}', not '${compiled.name}'`);
    await store.commit({ pipeline: compiled.name, runId: 'snapshot', mirror: { upsert: snapshot.mirror, remove: [] }, desired: { upsert: snapshot.desired, remove: [] }, actual: { upsert: [], remove: [] }, audit: [], quarantine: { park: [], release: [] }, pending: { set: [], clear: [] } });
    const { summary, changes } = await runBatch({ pipeline: compiled, source: snapshotSource(snapshot), sink: snapshotSink(snapshot), store, mode, runId: newRunId(), plan: true, signal: io.stopSignal });
    const ageMinutes = Math.max(0, Math.round((Date.now() - Date.parse(snapshot.exportedAt)) / 60_000));
    return planDocument(changes, summary, { file: snapshotFile, exportedAt: snapshot.exportedAt, ageMinutes });
  } finally {
    await store.close();
    await evaluator.close();
  }
}

export function planCommand(registry: ConnectorRegistry): Command {
  return {
    name: 'plan',
    summary: 'show what a run would change in the sink, writing nothing',
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { ...STORE_OPTIONS, mode: { type: 'string', default: 'full' }, format: { type: 'string', default: 'text' }, 'from-snapshot': { type: 'string' } });
      if (positionals.length !== 1) throw new UsageError(`plan takes one pipeline file; got ${positionals.length}`);
      const file = positionals[0] as string;
      if (values.mode !== 'full' && values.mode !== 'changed-since') throw new UsageError(`--mode must be full or changed-since; got '${values.mode}'`);
      if (!['text', 'json', 'markdown'].includes(values.format)) throw new UsageError(`--format must be text, json or markdown; got '${values.format}'`);
      const mode: RunMode = values.mode;
      return reportingErrors('plan', io, async () => {
        let plan: PlanDocument;
        if (values['from-snapshot'] !== undefined) plan = await planFromSnapshot(registry, io, file, values['from-snapshot'], mode, commandSecrets(values, io));
        else {
          const store = await openCommandStore(values, io, true);
          try {
            const { summary, changes } = await executeBatch(registry, io, store, values, { pipelineFile: file, mode, plan: true });
            plan = planDocument(changes, summary);
          } finally {
            await store.close();
          }
        }
        io.stdout(values.format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : values.format === 'markdown' ? renderPlanMarkdown(plan) : renderPlanText(plan));
        return 0;
      });
    },
  };
}
