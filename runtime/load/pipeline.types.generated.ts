// Generated from the JSON Schema by scripts/generate-types.ts (npm run generate). Do not edit.
export type Trigger = WebhookTrigger | CronTrigger;
export type Step = MapStep | TransformStep | FilterStep | AggregateStep;
/**
 * Optional name for the step, shown in audit records and errors.
 */
export type StepId = string;
export type TransformStep = ExpressionStep & {
  type: 'transform';
};
export type ExpressionStep = {
  id?: StepId;
  /**
   * An inline JSONata expression.
   */
  expression?: string;
  /**
   * A .jsonata file, relative to the pipeline file.
   */
  file?: string;
  /**
   * Evaluation time limit for one record.
   */
  timeoutMs?: number;
} & ExpressionStep1;
export type ExpressionStep1 = {
  [k: string]: unknown;
};
export type FilterStep = ExpressionStep & {
  type: 'filter';
};
export type AggregateStep = ExpressionStep & {
  type: 'aggregate';
  /**
   * Optional: a field of the records (a dotted path, such as costCenter) that splits the roster into partitions the aggregate can be evaluated on one at a time. A batch then re-evaluates only the partitions whose records changed and keeps the other partitions' items from the batch before, so a change costs its partitions, not the whole roster. The aggregate must give the same items either way: evaluated per partition with $committed empty, plus once over no records with the committed items no partition emits as $committed, where an item emitted by several partitions must carry the same values (an item with sourceKeys wins over one without). `test` checks this on the aggregate's cases.
   */
  partitionBy?: string;
};

/**
 * A pipeline wires one source connector through steps (mapping tables, JSONata transforms, filters, aggregates) to one sink connector, run by webhook and cron triggers under retry, quarantine and audit policies.
 */
export interface Pipeline {
  /**
   * Optional schema reference for editors that do not read the yaml-language-server modeline.
   */
  $schema?: string;
  /**
   * Pipeline format version. Only 1 exists.
   */
  version: 1;
  /**
   * Stable identifier: lower-case letters, digits and dashes. Audit records and checkpoints are keyed by it.
   */
  name: string;
  description?: string;
  source: ConnectorRef;
  sink: ConnectorRef;
  /**
   * @minItems 1
   */
  triggers: Trigger[];
  steps: Step[];
  policies?: Policies;
}
export interface ConnectorRef {
  /**
   * The connector type, as registered (run `ml-connector validate` to see the list when it is wrong). Its config is checked against that connector's own schema.
   */
  type: string;
  /**
   * Connector-specific settings; see the connector's config schema.
   */
  config: {
    [k: string]: unknown;
  };
}
export interface WebhookTrigger {
  type: 'webhook';
  /**
   * HTTP path the runtime listens on for this pipeline's webhooks.
   */
  path: string;
  /**
   * Key the sender signs deliveries with (HMAC-SHA256); a ${secret:…} reference.
   */
  signingKey: string;
  /**
   * How far a delivery's timestamp may be from now before it is rejected as a replay.
   */
  toleranceSeconds?: number;
}
export interface CronTrigger {
  type: 'cron';
  /**
   * Cron expression (5 fields, or 6 with seconds first), e.g. "* /15 * * * *", or a shorthand: @hourly, @daily, @weekly, @monthly, @yearly.
   */
  schedule: string;
  /**
   * IANA time zone the schedule is read in (e.g. America/New_York); UTC when absent.
   */
  timezone?: string;
  /**
   * changed-since backfills what webhooks missed since the last checkpoint; full re-reads everything through the source's bulk read.
   */
  mode?: 'changed-since' | 'full';
}
export interface MapStep {
  type: 'map';
  id?: StepId;
  /**
   * Mapping table file (.yaml, .yml or .csv), relative to the pipeline file.
   */
  table: string;
  /**
   * Dotted path of the record field whose value is looked up, e.g. department.
   */
  from: string;
  /**
   * Dotted path the mapped code is written to, e.g. segments.department.
   */
  to: string;
  /**
   * What happens when the value has no row: quarantine the record, use the table's default, drop the record, or fail the run.
   */
  onMissing?: 'quarantine' | 'default' | 'skip' | 'fail';
}
export interface Policies {
  retry?: {
    maxAttempts?: number;
    initialIntervalMs?: number;
    backoffCoefficient?: number;
    maxIntervalMs?: number;
    /**
     * Optional: no retry starts later than this long after the first attempt; past it the records are quarantined with the cause. Without it only maxAttempts ends the retries.
     */
    deadlineMs?: number;
  };
  quarantine?: {
    enabled?: boolean;
    retentionDays?: number;
  };
  audit?: {
    enabled?: boolean;
    retentionDays?: number;
    /**
     * Keep before/after values of the fields the pipeline maps in audit records.
     */
    includeValues?: boolean;
  };
  /**
   * What to do when the sink's actual state was changed by hand.
   */
  drift?: 'report' | 'repair' | 'ignore';
  /**
   * Cron schedule (UTC) on which serve reads the sink's actual state and compares it with the desired state; drift: report records and shows a difference, repair applies the desired state back, ignore never checks.
   */
  driftSchedule?: string;
}
