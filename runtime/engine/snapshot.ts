// What `snapshot export` writes and `plan --from-snapshot` reads: the mirror (source records as read)
// and the sink's last actual state, so a CI runner that cannot reach the customer's network can plan
// offline. Secrets are not in it: connector configs hold references only, and none are exported.
import type { ActualItem, Checkpoint, DesiredItem, SinkConnector, SourceConnector, SourcePage } from '../connectors/definition.ts';
import { MlcError } from '../errors.ts';
import type { MirrorEntry, Store } from '../store/store.ts';

export const SNAPSHOT_FORMAT = 'ml-connector-snapshot/1';

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  pipeline: string;
  exportedAt: string;
  checkpoint?: Checkpoint;
  mirror: MirrorEntry[];
  desired: DesiredItem[];
  actual: ActualItem[];
}

export async function exportSnapshot(store: Store, pipeline: string, now: Date): Promise<Snapshot> {
  const checkpoint = await store.checkpoints.get(pipeline);
  return { format: SNAPSHOT_FORMAT, pipeline, exportedAt: now.toISOString(), ...(checkpoint !== undefined ? { checkpoint } : {}), mirror: await store.mirror.all(pipeline), desired: await store.desired.all(pipeline), actual: await store.actual.all(pipeline) };
}

export function parseSnapshot(text: string, file: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MlcError('MLC_SNAPSHOT_INVALID', `${file} is not JSON (${(error as Error).message})`);
  }
  const s = value as Partial<Snapshot>;
  if (s?.format !== SNAPSHOT_FORMAT || !Array.isArray(s.mirror) || !Array.isArray(s.actual) || typeof s.pipeline !== 'string' || typeof s.exportedAt !== 'string') {
    throw new MlcError('MLC_SNAPSHOT_INVALID', `${file} is not an ml-connector snapshot (expected format ${SNAPSHOT_FORMAT}; export one with 'ml-connector snapshot export')`);
  }
  return s as Snapshot;
}

/** The snapshot's source records as a source: every read gives them all. */
export function snapshotSource(snapshot: Snapshot): SourceConnector {
  const page = (): SourcePage => ({ records: snapshot.mirror.map((m) => ({ key: m.key, data: m.source, ...(m.version !== undefined ? { version: m.version } : {}) })) });
  return {
    async *readAll() {
      yield page();
    },
    async *readChanged() {
      yield page();
    },
    async *readKeys(keys) {
      yield { records: page().records.filter((r) => keys.includes(r.key)) };
    },
  };
}

/** The snapshot's actual state as a sink that can be read, never written. */
export function snapshotSink(snapshot: Snapshot): SinkConnector {
  return {
    async readActual(entity, keys) {
      const items = snapshot.actual.filter((a) => a.entity === entity);
      return keys === 'all' ? items : items.filter((a) => keys.includes(a.key));
    },
    async apply() {
      throw new MlcError('MLC_INTERNAL', 'a snapshot cannot be written to');
    },
  };
}
