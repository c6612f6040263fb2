// What the engine's commands share: the deployment options (--data, --store, --secrets-dir), opening
// the store, and reporting a coded error or a pipeline that does not load in one line (no stack).
import { randomUUID } from 'node:crypto';
import { PipelineLoadError } from '../engine/open-pipeline.ts';
import { isMlcError } from '../errors.ts';
import { createSecretResolver, type SecretResolver } from '../secrets/resolver.ts';
import { SECRET_LOCATION_OPTIONS, secretLocations, type SecretLocationFlags } from '../secrets/locations.ts';
import { openStore } from '../store/open-store.ts';
import { resolveStorePassword } from '../store/store-password.ts';
import type { Store } from '../store/store.ts';
import { EXIT, type CliIo } from './command.ts';
import { formatDiagnosticText } from './report.ts';

export const STORE_OPTIONS = { ...SECRET_LOCATION_OPTIONS, store: { type: 'string' } } as const;

export const STORE_USAGE = `Deployment options (never in the pipeline file):
  --data DIR           state directory: the embedded store and the secret store (default
                       $ML_CONNECTOR_DATA, else ./.ml-connector/)
  --store URL          memory: | lowdb:DIR (default: the --data directory) | postgres://USER@HOST/DB
                       (several replicas share one state); or ML_CONNECTOR_STORE_URL
  --secrets-dir DIR    where \${secret:name} files are (or ML_CONNECTOR_SECRETS_DIR)
  --key-file FILE      the secret store's master key file
`;

export interface StoreValues extends SecretLocationFlags {
  store?: string | undefined;
}

export async function openCommandStore(values: StoreValues, io: CliIo, readOnly = false): Promise<Store> {
  const given = values.store ?? io.env.ML_CONNECTOR_STORE_URL;
  if (!given) return openStore({ dataDir: secretLocations(values, io).dataDir, cwd: io.cwd, readOnly });
  // The PostgreSQL password is a secret reference (ML_CONNECTOR_STORE_PASSWORD_REF or password=secret:NAME).
  const { url, password } = await resolveStorePassword(given, io.env, commandSecrets(values, io));
  return openStore({ url, ...(password !== undefined ? { password } : {}), dataDir: secretLocations(values, io).dataDir, cwd: io.cwd, readOnly });
}

/** The secret resolver for the same --data, --secrets-dir and --key-file. */
export function commandSecrets(values: StoreValues, io: CliIo): SecretResolver {
  return createSecretResolver(secretLocations(values, io));
}

export const newRunId = (): string => randomUUID().slice(0, 8);

/** Runs a command body; a coded error or a pipeline that does not load is one message and exit 1 (2 for usage). */
export async function reportingErrors(name: string, io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof PipelineLoadError) {
      for (const d of error.diagnostics) io.stderr(formatDiagnosticText(d));
      io.stderr(`ml-connector ${name}: the pipeline does not load; nothing was run\n`);
      return EXIT.invalid;
    }
    if (isMlcError(error)) {
      io.stderr(`ml-connector ${name}: ${error.code}: ${error.message}\n`);
      return error.errorClass === 'usage' ? EXIT.usage : EXIT.invalid;
    }
    throw error;
  }
}
