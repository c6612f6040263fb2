// GET /api/pipelines/:name/records/:key/trail: one record's audit events, oldest first, a page at a
// time. Events of sink items the record contributed to are included (their `related` names it). The
// store does the finding (the record-key filter: lowdb's per-segment key index, PostgreSQL's WHERE),
// so a page costs the record's own events up to the page's end, never a scan of the whole log.
import type { AuditEvent } from '../../store/store.ts';
import type { ConsoleSource } from './source.ts';
import type { TrailEvent, TrailResponse } from './types.ts';

function view(e: AuditEvent): TrailEvent {
  return {
    runId: e.runId,
    recordKey: e.recordKey,
    stage: e.stage,
    at: e.at,
    pipelineVersion: e.pipelineVersion,
    ...(e.step !== undefined ? { step: e.step } : {}),
    ...(e.before !== undefined ? { before: e.before } : {}),
    ...(e.after !== undefined ? { after: e.after } : {}),
    ...(e.detail !== undefined ? { detail: e.detail } : {}),
    ...(e.related !== undefined ? { related: e.related } : {}),
  };
}

export async function recordTrail(source: ConsoleSource, pipeline: string, recordKey: string, cursor: number, limit: number): Promise<TrailResponse> {
  const events: TrailEvent[] = [];
  let index = 0;
  let more = false;
  for await (const event of source.store.audit.query({ pipeline, recordKey })) {
    if (index++ < cursor) continue;
    if (events.length === limit) {
      more = true;
      break;
    }
    events.push(view(event));
  }
  return { pipeline, recordKey, events, ...(more ? { nextCursor: cursor + events.length } : {}) };
}
