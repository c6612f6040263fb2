// `run <pipeline> --once` and `replay <pipeline>`: one batch through the engine, with progress on a
// terminal, then the summary. Exit 0 when everything is done, 1 when anything is quarantined,
// pending or drifted (or the pipeline does not load), 2 for a usage mistake.
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { openPipeline } from '../engine/open-pipeline.ts';
import { runBatch, type RunMode, type RunBatchResult } from '../engine/run-batch.ts';
import { renderSummary } from '../engine/run-summary.ts';
import { IsolatedEvaluator } from '../lib/jsonata-isolated.ts';
import { ioLogger } from './io-logger.ts';
import type { Store } from '../store/store.ts';
import { parseCommandArgs } from './args.ts';
import { UsageError, type CliIo, type Command } from './command.ts';
import { STORE_OPTIONS, STORE_USAGE, commandSecrets, newRunId, openCommandStore, reportingErrors, type StoreValues } from './engine-command.ts';

const RUN_USAGE = `Usage: ml-connector run <pipeline> --once [--mode changed-since|full] [options]

Runs one batch: reads the source (what changed since the last checkpoint, or everything with
--mode full), runs the steps, compares the desired state with the sink and applies the changes.
Prints progress (on a terminal) and a summary. Only --mode full may deactivate what is absent.

Exit codes: 0 all done; 1 something is quarantined, pending or drifted, or the pipeline does not
load; 2 usage or internal error.

${STORE_USAGE}`;

const REPLAY_USAGE = `Usage: ml-connector replay <pipeline> (--record KEY | --cause CODE | --all) [options]

Re-reads quarantined records from the source and runs them through the current pipeline version
(after a mapping row was added, say). Records that now pass leave the quarantine.

${STORE_USAGE}`;

export interface BatchRequest {
  pipelineFile: string;
  mode: RunMode;
  keys?: string[];
  /** Keys chosen once the pipeline's name is known (replay picks that pipeline's quarantine). */
  selectKeys?: (pipeline: string) => Promise<string[]>;
  replay?: boolean;
  plan?: boolean;
}

/** Opens everything a batch needs, runs it, and closes it all again. */
export async function executeBatch(registry: ConnectorRegistry, io: CliIo, store: Store, values: StoreValues, request: BatchRequest): Promise<RunBatchResult> {
  const evaluator = new IsolatedEvaluator();
  const runId = newRunId();
  const logger = ioLogger(io, 'ml-connector', 'warn');
  try {
    const opened = await openPipeline(request.pipelineFile, { registry, cwd: io.cwd, env: io.env, secrets: commandSecrets(values, io), store, logger, evaluator, runId, signal: io.stopSignal });
    try {
      const keys = request.selectKeys ? await request.selectKeys(opened.compiled.name) : request.keys;
      const tty = process.stderr.isTTY === true && request.plan !== true;
      let lastPhase = '';
      return await runBatch({
        pipeline: opened.compiled,
        source: opened.source,
        sink: opened.sink,
        store,
        mode: request.mode,
        runId,
        signal: io.stopSignal,
        ...(keys ? { keys } : {}),
        ...(request.replay ? { replay: true } : {}),
        ...(request.plan ? { plan: true } : {}),
        onProgress: ({ phase, read }) => {
          if (tty) process.stderr.write(`\r\u001b[2K${phase}: ${read} records read`);
          else if (phase !== lastPhase && request.plan !== true) io.stderr(`${phase}…\n`);
          lastPhase = phase;
        },
      });
    } finally {
      if (process.stderr.isTTY === true) process.stderr.write('\r\u001b[2K');
      await opened.close();
    }
  } finally {
    await evaluator.close();
  }
}

function pipelineArgument(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes one pipeline file; got ${positionals.length}`);
  return positionals[0] as string;
}

export function runCommand(registry: ConnectorRegistry): Command {
  return {
    name: 'run',
    summary: 'run a pipeline once: read, map, compare with the sink, apply, commit',
    usage: RUN_USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { ...STORE_OPTIONS, once: { type: 'boolean', default: false }, mode: { type: 'string', default: 'changed-since' } });
      const file = pipelineArgument(positionals, 'run');
      if (!values.once) throw new UsageError('run needs --once (the always-on runtime is `serve`)');
      if (values.mode !== 'changed-since' && values.mode !== 'full') throw new UsageError(`--mode must be changed-since or full; got '${values.mode}'`);
      const mode = values.mode;
      return reportingErrors('run', io, async () => {
        const store = await openCommandStore(values, io);
        try {
          const { summary } = await executeBatch(registry, io, store, values, { pipelineFile: file, mode });
          io.stdout(renderSummary(summary));
          return summary.exitCode;
        } finally {
          await store.close();
        }
      });
    },
  };
}

export function replayCommand(registry: ConnectorRegistry): Command {
  return {
    name: 'replay',
    summary: 'run quarantined records again through the current pipeline',
    usage: REPLAY_USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { ...STORE_OPTIONS, record: { type: 'string' }, cause: { type: 'string' }, all: { type: 'boolean', default: false } });
      const file = pipelineArgument(positionals, 'replay');
      const chosen = [values.record !== undefined, values.cause !== undefined, values.all].filter(Boolean).length;
      if (chosen !== 1) throw new UsageError('replay needs exactly one of --record KEY, --cause CODE or --all');
      return reportingErrors('replay', io, async () => {
        const store = await openCommandStore(values, io);
        try {
          let replayed = 0;
          const selectKeys = async (pipeline: string): Promise<string[]> => {
            const entries = (await store.quarantine.list({ pipeline, ...(values.cause ? { code: values.cause } : {}) })).filter((q) => values.record === undefined || q.recordKey === values.record || q.sourceKeys.includes(values.record));
            const keys = [...new Set(entries.flatMap((q) => q.sourceKeys))].sort();
            replayed = keys.length;
            io.stderr(`replaying ${keys.length} record(s) from ${entries.length} quarantine entr${entries.length === 1 ? 'y' : 'ies'}\n`);
            return keys;
          };
          const { summary } = await executeBatch(registry, io, store, values, { pipelineFile: file, mode: 'keys', selectKeys, replay: true });
          if (replayed === 0) {
            io.stdout('nothing in quarantine matches; nothing replayed\n');
            return 0;
          }
          io.stdout(renderSummary(summary));
          return summary.exitCode;
        } finally {
          await store.close();
        }
      });
    },
  };
}
