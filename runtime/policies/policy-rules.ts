// Policies that pass the schema but cannot work as written, caught by validate rather than discovered
// during an outage: a first wait longer than the cap, a deadline that ends the retries before the
// first one may start, a drift schedule node-cron would refuse.
import { checkSchedule } from '../load/cron-schedule.ts';
import type { Diagnostic } from '../load/diagnostic.ts';
import type { YamlFile } from '../load/yaml-file.ts';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema's defaults, for fields the pipeline leaves out (schema/pipeline.schema.json). */
export interface RetryDefaults {
  initialIntervalMs: number;
  maxIntervalMs: number;
}

export function checkRetryPolicy(doc: Obj, yaml: YamlFile, defaults: RetryDefaults): Diagnostic[] {
  const policies = isObject(doc.policies) ? doc.policies : {};
  const retry = isObject(policies.retry) ? policies.retry : undefined;
  if (!retry) return [];
  const number = (name: string): number | undefined => (typeof retry[name] === 'number' ? (retry[name] as number) : undefined);
  const initial = number('initialIntervalMs') ?? defaults.initialIntervalMs;
  const max = number('maxIntervalMs') ?? defaults.maxIntervalMs;
  const deadline = number('deadlineMs');
  const diagnostics: Diagnostic[] = [];
  const at = (field: string): Pick<Diagnostic, 'file' | 'line' | 'col' | 'path'> => {
    const pointer = `/policies/retry/${field}`;
    return { file: yaml.file, ...yaml.locate(retry[field] === undefined ? '/policies/retry' : pointer), path: pointer };
  };
  if (initial > max) {
    diagnostics.push({
      code: 'MLC_RETRY_POLICY_INVALID',
      phase: 'schema',
      ...at(number('initialIntervalMs') !== undefined ? 'initialIntervalMs' : 'maxIntervalMs'),
      message: `initialIntervalMs (${initial}) is longer than maxIntervalMs (${max}): every wait would be cut to ${max} ms`,
      hint: 'make initialIntervalMs at most maxIntervalMs',
    });
  }
  if (deadline !== undefined && deadline < initial) {
    diagnostics.push({
      code: 'MLC_RETRY_POLICY_INVALID',
      phase: 'schema',
      ...at('deadlineMs'),
      message: `deadlineMs (${deadline}) is shorter than initialIntervalMs (${initial}): most retries would be past the deadline before they start`,
      hint: `give deadlineMs at least ${initial}, or leave it out and let maxAttempts end the retries`,
    });
  }
  return diagnostics;
}

/** The drift check's schedule, checked as cron triggers' schedules are (it is only run when drift is not ignore). */
export function checkDriftSchedule(doc: Obj, yaml: YamlFile): Diagnostic[] {
  const policies = isObject(doc.policies) ? doc.policies : {};
  if (typeof policies.driftSchedule !== 'string') return [];
  const pointer = '/policies/driftSchedule';
  return checkSchedule(policies.driftSchedule).map((problem) => ({
    code: 'MLC_CRON_INVALID' as const,
    phase: 'schema' as const,
    file: yaml.file,
    ...yaml.locateInString(pointer, problem.offset),
    path: pointer,
    message: problem.message,
    ...(problem.hint ? { hint: problem.hint } : {}),
  }));
}
