// `ml-connector secrets set|list|delete|rotate-key|init-key`: the encrypted secret store from the command
// line. Values come from stdin or a file, never from arguments (they would show in the process list
// and in shell history).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EncryptedSecretStore } from '../secrets/encrypted-store.ts';
import { configuredKeyFile, loadKeyRing, requireKeyRing } from '../secrets/key-ring.ts';
import { SECRET_LOCATION_OPTIONS, secretLocations } from '../secrets/locations.ts';
import { formatMasterKey, generateMasterKey, keyId, parseMasterKey, readKeyFile } from '../secrets/master-key.ts';
import { secretStorePath } from '../secrets/resolver.ts';
import { rotateKeyFile, rotateToGivenKey } from '../secrets/rotate-key.ts';
import { checkSecretName, secretError, secretValueFromBytes } from '../secrets/secret-rules.ts';
import { writeFileDurably } from '../util/durable-write.ts';
import { closestMatch } from '../util/did-you-mean.ts';
import { parseCommandArgs } from './args.ts';
import { reportingCodedErrors } from './coded-errors.ts';
import { EXIT, UsageError, type CliIo, type Command } from './command.ts';

const USAGE = `Usage: ml-connector secrets set NAME [--from-file FILE]
       ml-connector secrets list [--format text|json]
       ml-connector secrets delete NAME
       ml-connector secrets rotate-key [--new-key-file FILE]
       ml-connector secrets init-key [--key-file FILE]

Manages the encrypted secret store, <data dir>/secrets.json (AES-256-GCM under a 32-byte master key).
'set' reads the value from stdin (or FILE), never from the command line; one trailing newline is dropped.
'list' shows names, key ids and update times, never values. 'rotate-key' re-encrypts every secret
under a new key: with a key file and no new key given it makes one and replaces the key file itself;
killed midway, run it again. 'init-key' makes a master key (into the key file, or printed).

Options:
  --data DIR            data directory (default $ML_CONNECTOR_DATA, else ./.ml-connector)
  --key-file FILE       master key file, mode 600 (default $ML_CONNECTOR_MASTER_KEY_FILE; or the key
                        itself, 64 hex digits or base64, in $ML_CONNECTOR_MASTER_KEY)
  --new-key-file FILE   rotate-key: the new key (or $ML_CONNECTOR_NEW_MASTER_KEY)

Exit codes: 0 done, 1 a key or store problem (the store is left as it was), 2 usage.
`;

const SUBCOMMANDS = ['set', 'list', 'delete', 'rotate-key', 'init-key'] as const;

export interface StdinSource {
  isTTY: boolean;
  read(): Promise<Buffer>;
}

function processStdin(): StdinSource {
  return {
    isTTY: process.stdin.isTTY === true,
    async read() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks);
    },
  };
}

export function secretsCommand(stdin: () => StdinSource = processStdin): Command {
  return {
    name: 'secrets',
    summary: 'Set, list, delete secrets in the encrypted store; rotate its master key',
    usage: USAGE,
    async run(args, io) {
      const [sub, ...rest] = args;
      if (!(SUBCOMMANDS as readonly string[]).includes(sub ?? '')) {
        const suggestion = sub ? closestMatch(sub, SUBCOMMANDS) : undefined;
        throw new UsageError(sub ? `unknown subcommand '${sub}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; one of ${SUBCOMMANDS.join(', ')}` : `which one: ${SUBCOMMANDS.join(', ')}?`);
      }
      return reportingCodedErrors(`secrets ${sub}`, io, () => runSubcommand(sub as (typeof SUBCOMMANDS)[number], rest, io, stdin));
    },
  };
}

async function runSubcommand(sub: (typeof SUBCOMMANDS)[number], args: string[], io: CliIo, stdin: () => StdinSource): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...SECRET_LOCATION_OPTIONS,
    'from-file': { type: 'string' },
    format: { type: 'string', default: 'text' },
    'new-key-file': { type: 'string' },
  });
  const locations = secretLocations(values, io);
  const store = new EncryptedSecretStore(secretStorePath(locations.dataDir));
  const keys = { env: io.env, cwd: io.cwd, ...(locations.keyFile ? { keyFile: locations.keyFile } : {}) };
  const name = (): string => {
    if (positionals.length === 0) throw new UsageError(`secrets ${sub} needs a NAME`);
    if (positionals.length > 1) {
      // Deliberately not echoed: the extra argument may well be the value itself.
      throw new UsageError(`secrets ${sub} takes one NAME; values are read from stdin or --from-file, never from the command line (they would show in the process list and shell history)`);
    }
    return checkSecretName(positionals[0] ?? '');
  };
  const noPositionals = (): void => {
    if (positionals.length > 0) throw new UsageError(`secrets ${sub} takes no arguments`);
  };

  switch (sub) {
    case 'set': {
      const secret = name();
      const ring = requireKeyRing(await loadKeyRing(keys));
      const from = typeof values['from-file'] === 'string' ? resolve(io.cwd, values['from-file']) : undefined;
      const read = secretValueFromBytes(await readValue(from, stdin));
      if ('problem' in read) throw new UsageError(`the value ${from ? `in ${from}` : 'on stdin'} ${read.problem}`);
      await store.set(secret, read.value, ring);
      io.stdout(`stored secret '${secret}' in ${store.path} (key id ${ring.current.id})\n`);
      return EXIT.ok;
    }
    case 'list': {
      noPositionals();
      const listing = await store.list();
      if (values.format === 'json') io.stdout(`${JSON.stringify({ store: store.path, secrets: listing })}\n`);
      else if (values.format !== 'text') throw new UsageError(`--format must be text or json; got '${String(values.format)}'`);
      else if (listing.length === 0) io.stdout(`no secrets in ${store.path}\n`);
      else io.stdout(listingTable(listing));
      return EXIT.ok;
    }
    case 'delete': {
      const secret = name();
      if (!(await store.delete(secret))) throw secretError('MLC_SECRET_MISSING', `no secret '${secret}' in ${store.path}`);
      io.stdout(`deleted secret '${secret}' from ${store.path}\n`);
      return EXIT.ok;
    }
    case 'rotate-key': {
      noPositionals();
      const ring = requireKeyRing(await loadKeyRing(keys));
      const newKeyFile = typeof values['new-key-file'] === 'string' ? resolve(io.cwd, values['new-key-file']) : undefined;
      const given = newKeyFile ? await readKeyFile(newKeyFile) : io.env.ML_CONNECTOR_NEW_MASTER_KEY ? parseMasterKey(io.env.ML_CONNECTOR_NEW_MASTER_KEY, 'ML_CONNECTOR_NEW_MASTER_KEY') : undefined;
      if (!given && !ring.keyFile) {
        throw new UsageError("rotate-key needs the new key: --new-key-file FILE or ML_CONNECTOR_NEW_MASTER_KEY (make one with 'ml-connector secrets init-key --key-file FILE'); with a key file instead of ML_CONNECTOR_MASTER_KEY it makes one itself");
      }
      const result = given ? await rotateToGivenKey(store, ring, given) : await rotateKeyFile(store, ring, ring.keyFile ?? '');
      io.stdout(`re-encrypted ${result.rewrapped} secret(s) under key id ${result.to.id}${result.already > 0 ? ` (${result.already} already were)` : ''}\n`);
      io.stdout(result.installed
        ? `${ring.keyFile} now holds the new key; the old key (id ${result.from}) opens nothing any more\n`
        : `now give every process the new key (id ${result.to.id}) as ML_CONNECTOR_MASTER_KEY or its key file; until all have it, set ML_CONNECTOR_MASTER_KEY_PREVIOUS to the old key (id ${result.from})\n`);
      return EXIT.ok;
    }
    case 'init-key': {
      noPositionals();
      const file = configuredKeyFile(keys);
      const key = generateMasterKey();
      if (!file) {
        io.stderr(`a new master key (key id ${keyId(key)}); keep it like a password and give it as ML_CONNECTOR_MASTER_KEY:\n`);
        io.stdout(formatMasterKey(key));
        return EXIT.ok;
      }
      if (existsSync(file)) throw new UsageError(`${file} already exists; init-key never replaces a key (use rotate-key)`);
      await writeFileDurably(file, formatMasterKey(key), { mode: 0o600 });
      io.stdout(`wrote a new master key to ${file} (key id ${keyId(key)}, mode 600)\n`);
      return EXIT.ok;
    }
  }
}

async function readValue(file: string | undefined, stdin: () => StdinSource): Promise<Buffer> {
  if (file) {
    try {
      return await readFile(file);
    } catch (error) {
      throw new UsageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const source = stdin();
  if (source.isTTY) throw new UsageError("secrets set reads the value from stdin: pipe it in (printf '%s' \"$VALUE\" | ml-connector secrets set NAME) or use --from-file FILE");
  return source.read();
}

function listingTable(listing: { name: string; keyId?: string; updated?: string }[]): string {
  const rows = [['name', 'key id', 'updated'], ...listing.map((l) => [l.name, l.keyId ?? '(damaged)', l.updated ?? ''])];
  const width = Math.max(...rows.map((r) => (r[0] ?? '').length));
  return rows.map((r) => `${(r[0] ?? '').padEnd(width)}  ${(r[1] ?? '').padEnd(16)}  ${r[2] ?? ''}`.trimEnd()).join('\n') + '\n';
}
