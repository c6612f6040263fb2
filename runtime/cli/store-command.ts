// `ml-connector store status` (any store: what waits, per pipeline) and `store migrate` (PostgreSQL:
// apply the schema's migrations now, under the same lock replicas take when they start).
import { parseCommandArgs } from './args.ts';
import { EXIT, UsageError, type Command } from './command.ts';
import { STORE_OPTIONS, STORE_USAGE, openCommandStore, reportingErrors } from './engine-command.ts';
import { describeStore } from '../store/open-store.ts';
import { secretLocations } from '../secrets/locations.ts';
import { redactUrl } from '../util/redact-url.ts';

export function storeStatusCommand(): Command {
  return {
    name: 'store status',
    summary: 'show what the store holds per pipeline: queued jobs, the next due, retries, pending changes, quarantine',
    usage: `Usage: ml-connector store status [--format text|json] [options]\n\n${STORE_USAGE}`,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { ...STORE_OPTIONS, format: { type: 'string', default: 'text' } });
      if (positionals.length > 0) throw new UsageError('store status takes no arguments');
      if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json; got '${values.format}'`);
      return reportingErrors('store status', io, async () => {
        const store = await openCommandStore(values, io, true);
        try {
          const jobs = await store.jobs.list();
          const quarantined = await store.quarantine.list({});
          const names = [...new Set([...jobs.map((j) => j.pipeline), ...quarantined.map((q) => q.pipeline)])].sort();
          const rows = await Promise.all(
            names.map(async (pipeline) => {
              const own = jobs.filter((j) => j.pipeline === pipeline);
              return {
                pipeline,
                queued: own.length,
                retrying: own.filter((j) => j.attempts > 0).length,
                nextDue: own.map((j) => j.notBefore).sort()[0] ?? null,
                pending: (await store.pending.list(pipeline)).length,
                quarantined: quarantined.filter((q) => q.pipeline === pipeline).length,
              };
            }),
          );
          const url = values.store ?? io.env.ML_CONNECTOR_STORE_URL;
          const where = redactUrl(describeStore({ ...(url ? { url } : {}), dataDir: secretLocations(values, io).dataDir, cwd: io.cwd }));
          if (values.format === 'json') io.stdout(`${JSON.stringify({ store: where, pipelines: rows })}\n`);
          else {
            io.stdout(`store ${where}\n`);
            if (rows.length === 0) io.stdout('nothing queued, pending or quarantined\n');
            for (const r of rows) io.stdout(`${r.pipeline}: ${r.queued} queued (${r.retrying} retrying${r.nextDue ? `, next due ${r.nextDue}` : ''}), ${r.pending} pending, ${r.quarantined} quarantined\n`);
          }
          return EXIT.ok;
        } finally {
          await store.close();
        }
      });
    },
  };
}

export function storeMigrateCommand(): Command {
  return {
    name: 'store migrate',
    summary: "apply the PostgreSQL store's schema migrations (replicas also do it when they start)",
    usage: `Usage: ml-connector store migrate --store postgres://… [options]\n\n${STORE_USAGE}`,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, STORE_OPTIONS);
      if (positionals.length > 0) throw new UsageError('store migrate takes no arguments');
      const url = values.store ?? io.env.ML_CONNECTOR_STORE_URL;
      if (!url || !/^postgres(ql)?:/.test(url)) throw new UsageError('store migrate is for the PostgreSQL store: give --store postgres://… or ML_CONNECTOR_STORE_URL');
      return reportingErrors('store migrate', io, async () => {
        const store = await openCommandStore(values, io);
        await store.close();
        io.stdout('the PostgreSQL store schema is current\n');
        return EXIT.ok;
      });
    },
  };
}
