// `ml-connector store export` (NDJSON on stdout or --out FILE) and `store import FILE|-` (into the
// store given by --store, refusing one that holds state unless --force): how state moves from the
// embedded store to PostgreSQL, or between any two stores. Format: runtime/store/store-export.ts.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { secretLocations } from '../secrets/locations.ts';
import { describeStore } from '../store/open-store.ts';
import { exportStore } from '../store/store-export.ts';
import { checkExport, importStore } from '../store/store-import.ts';
import { redactUrl } from '../util/redact-url.ts';
import { parseCommandArgs } from './args.ts';
import { EXIT, UsageError, type CliIo, type Command } from './command.ts';
import { STORE_OPTIONS, STORE_USAGE, openCommandStore, reportingErrors, type StoreValues } from './engine-command.ts';

const where = (values: StoreValues, io: CliIo): string => {
  const url = values.store ?? io.env.ML_CONNECTOR_STORE_URL;
  return redactUrl(describeStore({ ...(url ? { url } : {}), dataDir: secretLocations(values, io).dataDir, cwd: io.cwd }));
};

export function storeExportCommand(): Command {
  return {
    name: 'store export',
    summary: 'write everything the store holds as NDJSON (to move it to another store with `store import`)',
    usage: `Usage: ml-connector store export [--out FILE] [options]\n\nWrites the store's state (checkpoints, mirror, desired and actual state, pending changes, quarantine,\ninbox, jobs, connector state, audit trail) as NDJSON, format version 1; secrets stay in the secret\nstore. Stop \`serve\` first, so the export is one consistent moment.\n\n  --out FILE           write to FILE instead of standard output\n\n${STORE_USAGE}`,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { ...STORE_OPTIONS, out: { type: 'string' } });
      if (positionals.length > 0) throw new UsageError('store export takes no arguments (use --out FILE to write a file)');
      return reportingErrors('store export', io, async () => {
        const store = await openCommandStore(values, io, true);
        const file = values.out === undefined ? undefined : createWriteStream(resolve(io.cwd, values.out));
        try {
          let count = 0;
          for await (const line of exportStore(store, where(values, io))) {
            const text = `${JSON.stringify(line)}\n`;
            if (!file) io.stdout(text);
            else if (!file.write(text)) await once(file, 'drain');
            if ('records' in line) count = line.records;
          }
          if (file) {
            await new Promise<void>((done, fail) => file.end((error?: Error | null) => (error ? fail(error) : done())));
            io.stderr(`exported ${count} records to ${values.out}\n`);
          }
          return EXIT.ok;
        } finally {
          file?.destroy();
          await store.close();
        }
      });
    },
  };
}

export function storeImportCommand(): Command {
  return {
    name: 'store import',
    summary: 'read a `store export` into the store given by --store (an empty one, unless --force)',
    usage: `Usage: ml-connector store import FILE|- [--force] [options]\n\nChecks the whole export first (format version, every line, the end line's count: a truncated file\nchanges nothing), then writes it into the store. The target must hold no state unless --force, which\nadds the export on top (same keys overwritten, audit events and jobs added).\n\n  --force              import into a store that already holds state\n\n${STORE_USAGE}`,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { ...STORE_OPTIONS, force: { type: 'boolean', default: false } });
      if (positionals.length !== 1) throw new UsageError('store import takes one argument: the export file, or - for standard input');
      const input = positionals[0] as string;
      let stdinText: string | undefined;
      if (input === '-') {
        if (!io.readStdin) throw new UsageError("'-' reads standard input, and there is none here");
        stdinText = await io.readStdin();
      }
      const name = input === '-' ? '<stdin>' : input;
      const lines = (): AsyncIterable<string> => (stdinText !== undefined ? linesOf(stdinText) : fileLines(resolve(io.cwd, input)));
      return reportingErrors('store import', io, async () => {
        const records = await checkExport(lines(), name).catch((error: unknown) => {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new UsageError(`cannot read ${name} (${code})`);
          throw error;
        });
        const store = await openCommandStore(values, io);
        try {
          await importStore(store, lines(), { force: values.force === true });
        } finally {
          await store.close();
        }
        io.stdout(`imported ${records} records into ${where(values, io)}\n`);
        return EXIT.ok;
      });
    },
  };
}

async function* linesOf(text: string): AsyncIterable<string> {
  yield* text.split('\n');
}

/** Opens the file only when iteration starts: a readline interface made earlier drops the lines it reads before anyone listens. */
async function* fileLines(file: string): AsyncIterable<string> {
  yield* createInterface({ input: createReadStream(file), crlfDelay: Infinity });
}
