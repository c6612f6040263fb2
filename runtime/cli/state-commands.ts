// Commands that read the state a run left: `audit`, `quarantine list`, `snapshot export`. They open
// the store read-only (no writer's lock), so they work beside a running runtime.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exportSnapshot } from '../engine/snapshot.ts';
import type { AuditEvent } from '../store/store.ts';
import { parseCommandArgs } from './args.ts';
import { UsageError, type Command } from './command.ts';
import { STORE_OPTIONS, STORE_USAGE, openCommandStore, reportingErrors } from './engine-command.ts';

const AUDIT_USAGE = `Usage: ml-connector audit [--pipeline NAME] [--record KEY] [--since ISO-TIME] [--format text|jsonl] [options]

One record's trail (or everything that matches): when it was read, what the steps made of it, the
sink changes it contributed to, quarantine and release — each with its time, run and the pipeline
version (git commit and a digest of the pipeline and mapping files).

${STORE_USAGE}`;

const show = (value: unknown): string => (value === undefined ? '' : ` ${JSON.stringify(value)}`);

function auditLine(e: AuditEvent): string {
  const related = e.related && e.related.length > 0 ? ` (records ${e.related.slice(0, 5).join(', ')}${e.related.length > 5 ? ', …' : ''})` : '';
  const values = e.before || e.after ? `\n    ${e.before ? `before:${show(e.before)}` : ''}${e.before && e.after ? '\n    ' : ''}${e.after ? `after:${show(e.after)}` : ''}` : '';
  return `${e.at} ${e.pipeline} ${e.stage.padEnd(11)} ${e.recordKey}${e.step ? ` [${e.step}]` : ''}${e.detail ? `: ${e.detail}` : ''}${related}  run ${e.runId}, pipeline ${e.pipelineVersion}${values}\n`;
}

export function auditCommand(): Command {
  return {
    name: 'audit',
    summary: "show a record's trail: read, mapped, written, quarantined",
    usage: AUDIT_USAGE,
    async run(args, io) {
      const { values } = parseCommandArgs(args, { ...STORE_OPTIONS, pipeline: { type: 'string' }, record: { type: 'string' }, since: { type: 'string' }, format: { type: 'string', default: 'text' } });
      if (values.format !== 'text' && values.format !== 'jsonl') throw new UsageError(`--format must be text or jsonl; got '${values.format}'`);
      if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) throw new UsageError(`--since must be a time such as 2026-11-28T10:00:00Z; got '${values.since}'`);
      return reportingErrors('audit', io, async () => {
        const store = await openCommandStore(values, io, true);
        try {
          let count = 0;
          const filter = { ...(values.pipeline ? { pipeline: values.pipeline } : {}), ...(values.record ? { recordKey: values.record } : {}), ...(values.since ? { since: new Date(values.since).toISOString() } : {}) };
          for await (const event of store.audit.query(filter)) {
            io.stdout(values.format === 'jsonl' ? `${JSON.stringify(event)}\n` : auditLine(event));
            count++;
          }
          if (values.format === 'text') io.stdout(`${count} event(s)\n`);
          return 0;
        } finally {
          await store.close();
        }
      });
    },
  };
}

export function quarantineListCommand(): Command {
  return {
    name: 'quarantine list',
    summary: 'list quarantined records and their causes',
    usage: `Usage: ml-connector quarantine list [--pipeline NAME] [--cause CODE] [options]\n\n${STORE_USAGE}`,
    async run(args, io) {
      const { values } = parseCommandArgs(args, { ...STORE_OPTIONS, pipeline: { type: 'string' }, cause: { type: 'string' } });
      return reportingErrors('quarantine list', io, async () => {
        const store = await openCommandStore(values, io, true);
        try {
          const entries = await store.quarantine.list({ ...(values.pipeline ? { pipeline: values.pipeline } : {}), ...(values.cause ? { code: values.cause } : {}) });
          for (const q of entries) io.stdout(`${q.pipeline} ${q.recordKey} ${q.code} since ${q.since}: ${q.cause}\n`);
          io.stdout(`${entries.length} quarantined${entries.length > 0 ? "; after fixing the cause, run 'ml-connector replay <pipeline> --cause CODE'" : ''}\n`);
          return 0;
        } finally {
          await store.close();
        }
      });
    },
  };
}

export function snapshotExportCommand(): Command {
  return {
    name: 'snapshot export',
    summary: 'write the mirror and the last actual state, for plan --from-snapshot',
    usage: `Usage: ml-connector snapshot export --pipeline NAME [--out FILE] [options]\n\nWrites the mirror and the sink's last actual state read (secrets excluded) as JSON.\n\n${STORE_USAGE}`,
    async run(args, io) {
      const { values } = parseCommandArgs(args, { ...STORE_OPTIONS, pipeline: { type: 'string' }, out: { type: 'string' } });
      if (!values.pipeline) throw new UsageError('snapshot export needs --pipeline NAME');
      const pipeline = values.pipeline;
      return reportingErrors('snapshot export', io, async () => {
        const store = await openCommandStore(values, io, true);
        try {
          const text = `${JSON.stringify(await exportSnapshot(store, pipeline, new Date()))}\n`;
          if (values.out) {
            await writeFile(resolve(io.cwd, values.out), text, { mode: 0o600 });
            io.stderr(`wrote ${values.out}\n`);
          } else io.stdout(text);
          return 0;
        } finally {
          await store.close();
        }
      });
    },
  };
}
