// Triggers that would fail the moment the engine starts them: a schedule node-cron refuses, a time
// zone the IANA database does not have, the same webhook path twice in one pipeline.
import type { Diagnostic } from './diagnostic.ts';
import { checkSchedule, checkTimeZone } from './cron-schedule.ts';
import { containsEnvReference } from './reference-syntax.ts';
import type { YamlFile } from './yaml-file.ts';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface WebhookPath {
  path: string;
  pointer: string;
  line: number;
  col: number;
}

export function checkTriggers(doc: Obj, yaml: YamlFile): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = (pointer: string): Pick<Diagnostic, 'file' | 'line' | 'col' | 'path'> => ({ file: yaml.file, ...yaml.locate(pointer), path: pointer });
  const triggers = Array.isArray(doc.triggers) ? doc.triggers : [];
  for (const [index, trigger] of triggers.entries()) {
    if (!isObject(trigger) || trigger.type !== 'cron') continue;
    const pointer = `/triggers/${index}`;
    if (typeof trigger.schedule === 'string') {
      for (const problem of checkSchedule(trigger.schedule)) {
        diagnostics.push({ code: 'MLC_CRON_INVALID', phase: 'schema', file: yaml.file, ...yaml.locateInString(`${pointer}/schedule`, problem.offset), path: `${pointer}/schedule`, message: problem.message, ...(problem.hint ? { hint: problem.hint } : {}) });
      }
    }
    if (typeof trigger.timezone === 'string') {
      const problem = checkTimeZone(trigger.timezone);
      if (problem) diagnostics.push({ code: 'MLC_TIMEZONE_UNKNOWN', phase: 'schema', ...at(`${pointer}/timezone`), ...problem });
    }
  }
  const first = new Map<string, WebhookPath>();
  for (const hook of webhookPaths(doc, yaml)) {
    const earlier = first.get(hook.path);
    if (!earlier) {
      first.set(hook.path, hook);
      continue;
    }
    diagnostics.push({ code: 'MLC_DUPLICATE_WEBHOOK_PATH', phase: 'schema', ...at(hook.pointer), message: `webhook path '${hook.path}' is already used by the trigger at line ${earlier.line}`, hint: 'each webhook trigger needs its own path' });
  }
  return diagnostics;
}

/** The webhook paths a pipeline listens on, with where each is written. */
export function webhookPaths(doc: Obj, yaml: YamlFile): WebhookPath[] {
  const triggers = Array.isArray(doc.triggers) ? doc.triggers : [];
  return triggers.flatMap((trigger, index) => {
    // A path from the environment differs per deployment: it cannot be compared as written.
    if (!isObject(trigger) || trigger.type !== 'webhook' || typeof trigger.path !== 'string' || containsEnvReference(trigger.path)) return [];
    const pointer = `/triggers/${index}/path`;
    return [{ path: trigger.path, pointer, ...yaml.locate(pointer) }];
  });
}
