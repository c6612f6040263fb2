// `read <pipeline>`: prints what the pipeline's source yields, one JSON object per record on stdout,
// so an integrator sees real data before writing mappings. Nothing is written anywhere.
import type { ConnectorRegistry } from '../connectors/registry.ts';
import type { SourcePage } from '../connectors/definition.ts';
import { parseCommandArgs } from './args.ts';
import { EXIT, UsageError, type Command } from './command.ts';
import { openPipelineSource } from './open-source.ts';
import { SECRET_LOCATION_OPTIONS } from '../secrets/locations.ts';

const USAGE = `Usage: ml-connector read <pipeline> [--mode full|changed-since|keys] [--keys 4,12] [--since CHECKPOINT-JSON] [--limit N] [--format jsonl|table]

Prints the records the pipeline's source yields (one JSON object per line), deletions and missing keys
included; a progress line goes to stderr. Secrets come from the store, ML_CONNECTOR_SECRET_<NAME> or --secrets-dir.

Options:
  --mode full|changed-since|keys   which read (default full)
  --keys 4,12                      the keys for --mode keys
  --since JSON                     a checkpoint for --mode changed-since (default: from the beginning)
  --limit N                        stop after N records
  --format jsonl|table             one JSON object per line (default) or key, version and data in columns
  --data DIR, --secrets-dir DIR, --key-file FILE   where secrets are
`;

export function readCommand(registry: ConnectorRegistry): Command {
  return {
    name: 'read',
    summary: "print what a pipeline's source yields (to see real data before writing mappings)",
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, {
        mode: { type: 'string', default: 'full' },
        keys: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string' },
        format: { type: 'string', default: 'jsonl' },
        ...SECRET_LOCATION_OPTIONS,
      });
      const [path, ...extra] = positionals;
      if (!path || extra.length > 0) throw new UsageError('read takes one pipeline file');
      const mode = String(values.mode);
      if (!['full', 'changed-since', 'keys'].includes(mode)) throw new UsageError(`--mode must be full, changed-since or keys; got '${mode}'`);
      const format = String(values.format);
      if (!['jsonl', 'table'].includes(format)) throw new UsageError(`--format must be jsonl or table; got '${format}'`);
      const keys = typeof values.keys === 'string' ? values.keys.split(',').map((k) => k.trim()).filter(Boolean) : [];
      if (mode === 'keys' && keys.length === 0) throw new UsageError('--mode keys needs --keys, e.g. --keys 4,12');
      const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);
      if (values.limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError(`--limit must be a positive whole number; got '${String(values.limit)}'`);
      let since: unknown;
      if (typeof values.since === 'string') {
        try {
          since = JSON.parse(values.since);
        } catch {
          throw new UsageError('--since must be the JSON checkpoint a previous read printed');
        }
      }
      const opened = await openPipelineSource(path, registry, io, values);
      if ('problems' in opened) {
        io.stderr(opened.problems);
        return EXIT.invalid;
      }
      const signal = io.stopSignal;
      const pages: AsyncIterable<SourcePage> =
        mode === 'keys' ? opened.source.readKeys(keys, { signal }) : mode === 'changed-since' ? opened.source.readChanged(since as never, { signal }) : opened.source.readAll({ signal });
      let count = 0;
      let checkpoint: unknown;
      const missing: string[] = [];
      try {
        for await (const page of pages) {
          for (const record of page.records) {
            if (count >= limit) break;
            count += 1;
            io.stdout(format === 'table' ? `${record.key}\t${record.version ?? ''}\t${record.deleted ? 'DELETED' : JSON.stringify(record.data)}\n` : `${JSON.stringify(record)}\n`);
          }
          if (page.checkpoint !== undefined) checkpoint = page.checkpoint;
          missing.push(...(page.missingKeys ?? []));
          if (count >= limit) break;
        }
      } finally {
        await opened.close();
      }
      io.stderr(`${count} record${count === 1 ? '' : 's'} from ${opened.pipeline}${missing.length > 0 ? `; missing keys: ${missing.join(', ')}` : ''}${checkpoint !== undefined ? `\ncheckpoint: ${JSON.stringify(checkpoint)}` : ''}\n`);
      return EXIT.ok;
    },
  };
}
