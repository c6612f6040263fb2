// Every pipeline of a folder, opened for serving: compiled, its source and sink created, its webhook
// routes and cron triggers listed. A pipeline that does not load is reported (and shown on /readyz);
// the others run.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { ConnectorSecrets } from '../connectors/context.ts';
import { openPipeline, PipelineLoadError, type OpenedPipeline, type OpenPipelineOptions } from '../engine/open-pipeline.ts';
import type { CronTrigger, WebhookTrigger } from '../load/pipeline.types.generated.ts';
import { collectFiles } from '../cli/walk.ts';
import { classify, isCasesFile } from '../validate/validate-files.ts';
import type { WebhookRoute } from '../triggers/handle-webhook.ts';

export interface ServedPipeline {
  file: string;
  opened: OpenedPipeline;
  cron: CronTrigger[];
  webhooks: WebhookTrigger[];
}

export interface LoadedFolder {
  pipelines: Map<string, ServedPipeline>;
  /** file → why it does not run. */
  failures: Map<string, string>;
  /** file → why its newest version was refused on a reload (the version before it keeps running). */
  refused: Map<string, string>;
}

/** What opening a pipeline needs, less the run id (serve names its own). */
export type LoadFolderOptions = Omit<OpenPipelineOptions, 'runId'>;

export async function loadFolder(dir: string, options: LoadFolderOptions): Promise<LoadedFolder> {
  const { files } = await collectFiles([dir], (name) => /\.ya?ml$/.test(name) && !isCasesFile(name));
  const pipelines = new Map<string, ServedPipeline>();
  const failures = new Map<string, string>();
  for (const file of files) {
    const shown = relative(options.cwd, file) || file;
    try {
      if (classify(file, await readFile(file, 'utf8')) !== 'pipeline') continue;
      const opened = await openPipeline(file, { ...options, runId: 'serve' });
      const triggers = opened.compiled.triggers;
      pipelines.set(opened.compiled.name, {
        file: shown,
        opened,
        cron: triggers.filter((t): t is CronTrigger => t.type === 'cron'),
        webhooks: triggers.filter((t): t is WebhookTrigger => t.type === 'webhook'),
      });
    } catch (error) {
      const reason =
        error instanceof PipelineLoadError
          ? error.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}${d.path ? ` ${d.path}` : ''}: ${d.code}: ${d.message}`).join('; ')
          : error instanceof Error
            ? error.message
            : String(error);
      failures.set(shown, reason);
      const first = error instanceof PipelineLoadError ? error.diagnostics[0] : undefined;
      options.logger.error({ file: shown, ...(first ? { line: first.line, field: first.path, code: first.code } : {}) }, `pipeline not started: ${reason}`);
    }
  }
  return { pipelines, failures, refused: new Map() };
}

/** The webhook routes of the served pipelines; a secret holding several lines is several signing keys (a rotation). */
export function webhookRoutes(pipelines: ReadonlyMap<string, ServedPipeline>, secrets: ConnectorSecrets, maxBodyBytes: number): Map<string, WebhookRoute> {
  const routes = new Map<string, WebhookRoute>();
  for (const [name, served] of pipelines) {
    const adapter = served.opened.source.webhook;
    if (!adapter) continue;
    for (const trigger of served.webhooks) {
      routes.set(trigger.path, {
        pipeline: name,
        path: trigger.path,
        adapter,
        signingKeys: async () =>
          (await secrets.resolve(trigger.signingKey))
            .split(/\r?\n/)
            .map((k) => k.trim())
            .filter((k) => k.length > 0),
        toleranceSeconds: schemaDefaulted(trigger.toleranceSeconds),
        maxBodyBytes,
      });
    }
  }
  return routes;
}

/** The loader fills schema defaults, so this is set; the default itself lives only in the schema. */
function schemaDefaulted<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('a trigger setting has no value and the schema no default');
  return value;
}
