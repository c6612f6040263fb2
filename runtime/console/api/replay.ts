// POST /api/pipelines/:name/replay: queues a replay job (the path `replay` and the worker use) for
// one held record, every record of one cause, or all of them; the worker runs it and releases what heals.
import type { ConsoleSource } from './source.ts';
import type { ReplayRequest, ReplayResponse } from './types.ts';

export function parseReplayRequest(body: unknown): ReplayRequest | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const keys = Object.keys(b);
  if (keys.length !== 1) return undefined;
  if (typeof b.recordKey === 'string' && b.recordKey.length > 0 && b.recordKey.length <= 512) return { recordKey: b.recordKey };
  if (typeof b.code === 'string' && /^[A-Z0-9_]{1,80}$/.test(b.code)) return { code: b.code };
  if (b.all === true) return { all: true };
  return undefined;
}

export async function replay(source: ConsoleSource, pipeline: string, request: ReplayRequest): Promise<ReplayResponse> {
  const held = await source.store.quarantine.list({ pipeline, ...('code' in request ? { code: request.code } : {}) });
  const chosen = 'recordKey' in request ? held.filter((q) => q.recordKey === request.recordKey) : held;
  const keys = [...new Set(chosen.flatMap((q) => (q.sourceKeys.length > 0 ? q.sourceKeys : [q.recordKey])))];
  if (keys.length === 0) return { pipeline, queued: 0 };
  const { id } = await source.store.jobs.enqueue({ pipeline, kind: 'replay', keys });
  source.wake();
  return { pipeline, queued: keys.length, jobId: id };
}
