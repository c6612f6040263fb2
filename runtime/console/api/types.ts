// The console's JSON API: every request and response shape, shared by the server handlers and the
// browser code (runtime/console/ui/app.mjs names these types in JSDoc). Nothing here holds a secret.
import type { PlanDocument } from '../../engine/plan-render.ts';
import type { AuditEvent } from '../../store/store.ts';

export type Role = 'viewer' | 'operator';
export type PipelineState = 'ok' | 'degraded' | 'failing';

/** GET /api/session: who the browser is, and the CSRF token its POSTs must carry. */
export interface SessionInfo {
  authenticated: boolean;
  role?: Role;
  /** Present only when authenticated; echo it in the x-csrf-token header of every POST. */
  csrf?: string;
  /** True when the caller is on the loopback interface and needs no login. */
  loopback: boolean;
}

/** POST /api/login: a token, or a user and password. */
export type LoginRequest = { token: string } | { user: string; password: string };

export interface PendingView {
  entity: string;
  key: string;
  attempts: number;
  lastError: string;
  since: string;
  /** When the next attempt is due (the earliest waiting job), if one is queued. */
  nextAttemptAt?: string;
}

export interface PipelineView {
  name: string;
  file: string;
  /** The loaded version: git commit and digest of the pipeline and mapping files. */
  version: string;
  state: PipelineState;
  lastRunAt?: string;
  lastSuccessAt?: string;
  lastError?: string;
  /** Outcome counts of the last run. */
  lastRun?: { read: number; pending: number; drift: number; quarantined: number };
  /** The last batch this serve process ran of each kind (keys: webhooks, changed: a poll, full, replay). */
  lastRunByKind: { kind: string; startedAt: string; durationMs: number; read: number; quarantined: number }[];
  pending: PendingView[];
  quarantinedByCause: Record<string, number>;
  queuedJobs: number;
}

export interface PipelinesResponse {
  pipelines: PipelineView[];
  /** Files in the folder that did not load, with the reason. */
  notLoaded: { file: string; reason: string }[];
}

/** An audit event as the trail shows it: the store's own event, its pipeline implied by the URL. */
export type TrailEvent = Omit<AuditEvent, 'pipeline'>;

/** GET /api/pipelines/:name/records/:key/trail?cursor=N&limit=M */
export interface TrailResponse {
  pipeline: string;
  recordKey: string;
  events: TrailEvent[];
  /** Pass as ?cursor= for the next page; absent on the last page. */
  nextCursor?: number;
}

export interface QuarantineGroup {
  code: string;
  count: number;
  /** The causes as written (e.g. the unmapped value), most frequent first, at most 5. */
  causes: { cause: string; count: number }[];
}

export interface QuarantineItem {
  recordKey: string;
  code: string;
  cause: string;
  since: string;
}

/** GET /api/pipelines/:name/quarantine?code=C&cursor=N&limit=M */
export interface QuarantineResponse {
  pipeline: string;
  total: number;
  groups: QuarantineGroup[];
  items: QuarantineItem[];
  nextCursor?: number;
}

/** POST /api/pipelines/:name/replay: one record, every record of one cause, or all. */
export type ReplayRequest = { recordKey: string } | { code: string } | { all: true };

export interface ReplayResponse {
  pipeline: string;
  /** Source records queued for a replay run. */
  queued: number;
  jobId?: string;
}

/** POST /api/pipelines/:name/run (operator): queue a run now. */
export interface RunNowRequest {
  mode: 'changed' | 'full';
}

export interface RunNowResponse {
  pipeline: string;
  mode: RunNowRequest['mode'];
  jobId: string;
}

/** GET /api/pipelines/:name/plan: the same document as `plan --format json`. */
export type PlanResponse = PlanDocument;

/** One map step's table against the values its field can take at the source today. */
export interface CoverageField {
  step: string;
  field: string;
  table: string;
  /** What happens to a record whose value has no row. */
  onMissing: 'quarantine' | 'default' | 'skip' | 'fail';
  /** How many values the source offers today; absent when it has no list for this field (not checked). */
  values?: number;
  /** Live values with no row. */
  unmapped: string[];
  /** Rows whose value the source no longer offers. */
  staleRows: string[];
}

/** GET /api/pipelines/:name/coverage: the model `ml-connector coverage --format json` prints. */
export interface CoverageResponse {
  pipeline: string;
  fields: CoverageField[];
  checkedAt: string;
}

export interface RunView {
  runId: string;
  /** What started it: keys (webhooks), changed (a poll), full, replay; absent for a run serve did not do itself. */
  kind?: string;
  startedAt: string;
  /** Known for the batches this serve process ran (the audit keeps one time per batch). */
  durationMs?: number;
  /** Audit events by stage (read, mapped, written, quarantined, …). */
  counts: Partial<Record<AuditEvent['stage'], number>>;
}

/** GET /api/pipelines/:name/runs: the last day's runs, newest first, and two small series for charts. */
export interface RunsResponse {
  pipeline: string;
  since: string;
  runs: RunView[];
  /** Records read and quarantined per hour, oldest hour first, 24 entries. */
  perHour: { hour: string; read: number; quarantined: number }[];
  /** Webhook acknowledgement latency since serve started: deliveries at or under each bound (cumulative). */
  webhookAck: { count: number; buckets: { leSeconds: number; count: number }[] } | null;
}

export interface ApiError {
  error: string;
  code: string;
}
