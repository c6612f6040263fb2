// The served folder, kept current: on a file change (fs.watch, a periodic content hash) or on demand
// (SIGHUP), the folder is loaded again and merged in between batches — never in the middle of one.
// Webhook routes and cron triggers follow the merged folder; connectors of a replaced version are
// closed once no batch uses them. A new version that does not load leaves the old one running and the
// refusal is logged with file, line and field, and shown on /readyz.
import type { ConnectorSecrets } from '../connectors/context.ts';
import { collectFiles } from '../cli/walk.ts';
import type { Logger } from '../lib/log.ts';
import { isCasesFile } from '../validate/validate-files.ts';
import type { Store } from '../store/store.ts';
import type { WebhookRoute } from '../triggers/handle-webhook.ts';
import { startCronTriggers } from './cron-triggers.ts';
import { watchFiles, type FileWatch } from './file-watch.ts';
import { webhookRoutes, type LoadedFolder } from './load-pipelines.ts';
import { changedAnything, mergeReload, type ReloadOutcome } from './reload-folder.ts';

export interface LiveFolderOptions {
  dir: string;
  folder: LoadedFolder;
  load(): Promise<LoadedFolder>;
  /** The worker's between-batches gate. */
  between<T>(fn: () => Promise<T>): Promise<T>;
  store: Store;
  secrets: ConnectorSecrets;
  maxBodyBytes: number;
  logger: Logger;
  onEnqueued(): void;
  /** After a reload that changed something (auto-replay, drift schedules). */
  onReloaded?(outcome: ReloadOutcome): Promise<void>;
  watch?: { debounceMs?: number; pollMs?: number; enabled?: boolean };
}

export interface LiveFolder {
  folder: LoadedFolder;
  routes(): ReadonlyMap<string, WebhookRoute>;
  /** Loads the folder again now (SIGHUP); resolves with what changed. */
  reload(reason: string): Promise<ReloadOutcome>;
  /** When each pipeline's current version was loaded. */
  loadedAt(name: string): string | undefined;
  stop(): Promise<void>;
}

export async function startLiveFolder(options: LiveFolderOptions): Promise<LiveFolder> {
  const { folder, logger } = options;
  let routes = webhookRoutes(folder.pipelines, options.secrets, options.maxBodyBytes);
  const loadedAt = new Map([...folder.pipelines.keys()].map((name) => [name, new Date().toISOString()]));
  const startCron = () =>
    startCronTriggers(
      [...folder.pipelines].map(([name, served]) => ({ name, triggers: served.cron })),
      { store: options.store, logger, onEnqueued: options.onEnqueued },
    );
  let cron = await startCron();

  async function reload(reason: string): Promise<ReloadOutcome> {
    const outcome = await options.between(async () => {
      const fresh = await options.load();
      const { outcome, retire } = mergeReload(folder, fresh);
      await Promise.allSettled(retire.map((p) => p.close()));
      if (changedAnything(outcome)) {
        routes = webhookRoutes(folder.pipelines, options.secrets, options.maxBodyBytes);
        await cron.stop();
        cron = await startCron();
      }
      return outcome;
    });
    const at = new Date().toISOString();
    for (const name of [...outcome.added, ...outcome.replaced]) loadedAt.set(name, at);
    for (const name of outcome.removed) loadedAt.delete(name);
    for (const [file, why] of outcome.refused) logger.error({ file, reason }, `new version refused; the running version stays: ${why}`);
    if (changedAnything(outcome)) {
      const versions = Object.fromEntries([...outcome.added, ...outcome.replaced].map((n) => [n, folder.pipelines.get(n)?.opened.compiled.version]));
      logger.info({ reason, added: outcome.added, replaced: outcome.replaced, removed: outcome.removed, versions }, 'pipelines reloaded');
      await options.onReloaded?.(outcome);
    }
    return outcome;
  }

  // A walk can fail when a folder vanishes under it (a state directory's temporary files): the last
  // good listing stands in, so a failed walk never looks like every pipeline file changed.
  let listed: string[] = [];
  const watchedFiles = async (): Promise<string[]> => {
    try {
      listed = (await collectFiles([options.dir], (name) => /\.ya?ml$/.test(name) && !isCasesFile(name))).files;
    } catch {
      // keep `listed`
    }
    return [...listed, ...[...folder.pipelines.values()].flatMap((p) => p.opened.compiled.files)];
  };
  let watch: FileWatch | undefined;
  if (options.watch?.enabled !== false) {
    watch = await watchFiles({
      files: watchedFiles,
      dirs: [options.dir],
      onChange: async () => void (await reload('files changed')),
      onError: (error) => logger.error({ err: error }, 'reload failed; the running versions stay'),
      ...(options.watch?.debounceMs !== undefined ? { debounceMs: options.watch.debounceMs } : {}),
      ...(options.watch?.pollMs !== undefined ? { pollMs: options.watch.pollMs } : {}),
    });
  }

  return {
    folder,
    routes: () => routes,
    reload,
    loadedAt: (name) => loadedAt.get(name),
    async stop() {
      watch?.stop();
      await cron.stop();
    },
  };
}
