// Connectors for engine tests. The source generates employees from a seed (the same records in every
// process) and can be edited in memory; the sink keeps items in memory or in a JSON-lines file (so a
// killed process's effects are still counted), records every idempotency key it is sent, applies a
// key once, and fails or locks items on demand.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { testWebhookAdapter } from './test-webhook.ts';
import { defineConnector, MlcError, type ActualItem, type Change, type ChangeResult, type EntitySpec, type JsonObject, type SourcePage, type SourceRecord } from '../../runtime/index.ts';

const DEPARTMENTS = ['Warehouse', 'Yard', 'Drivers', 'Sales', 'Office'];
const LOCATIONS = ['01', '02', '03'];

export function employee(n: number): SourceRecord {
  return {
    key: String(n),
    version: '1',
    data: { id: String(n), firstName: `First${n}`, lastName: `Last${n}`, status: n % 17 === 0 ? 'Inactive' : 'Active', department: DEPARTMENTS[n % DEPARTMENTS.length] as string, location: LOCATIONS[n % LOCATIONS.length] as string },
  };
}

export interface TestSourceConfig {
  count: number;
  pageSize?: number;
  /** Field values that replace the generated ones, by record key. */
  overrides?: Record<string, JsonObject>;
}

/** Records by key; `changes` in order of change (readChanged's checkpoint is a position in it). */
export interface SourceData {
  records: Map<string, SourceRecord>;
  changes: string[];
  /** The keys of every readKeys call, in order. */
  keyReads: string[][];
}

export function sourceData(count: number): SourceData {
  const records = new Map<string, SourceRecord>();
  for (let n = 1; n <= count; n++) records.set(String(n), employee(n));
  return { records, changes: [...records.keys()], keyReads: [] };
}

export function editRecord(data: SourceData, key: string, patch: JsonObject | 'deleted'): void {
  const old = data.records.get(key) ?? { key, data: {} };
  data.records.set(key, patch === 'deleted' ? { ...old, deleted: true } : { ...old, data: { ...old.data, ...patch } });
  data.changes.push(key);
}

function* paged(records: SourceRecord[], size: number, checkpointAt: (index: number) => number): Generator<SourcePage> {
  for (let i = 0; i < records.length; i += size) yield { records: records.slice(i, i + size), checkpoint: checkpointAt(Math.min(i + size, records.length)) };
}

export function testSourceDefinition(data?: SourceData) {
  return defineConnector<TestSourceConfig>({
    type: 'test-source',
    kind: 'source',
    summary: 'Generated employees for engine tests.',
    configSchema: { type: 'object', additionalProperties: false, required: ['count'], properties: { count: { type: 'integer', minimum: 0 }, pageSize: { type: 'integer', minimum: 1 }, overrides: { type: 'object', additionalProperties: { type: 'object' } } } },
    examples: [{ count: 10 }],
    create(config) {
      const d = data ?? sourceData(config.count);
      for (const [key, patch] of Object.entries(config.overrides ?? {})) editRecord(d, key, patch);
      const size = config.pageSize ?? 500;
      const live = (): SourceRecord[] => [...d.records.values()].filter((r) => !r.deleted);
      return {
        webhook: testWebhookAdapter,
        async *readAll() {
          const all = live();
          yield* paged(all, size, () => d.changes.length);
        },
        async *readChanged(since) {
          const from = typeof since === 'number' ? since : 0;
          const keys = d.changes.slice(from);
          const records = keys.map((k) => d.records.get(k) as SourceRecord);
          yield* paged(records, size, (end) => from + end);
        },
        async *readKeys(keys) {
          d.keyReads.push([...keys]);
          const found = keys.map((k) => d.records.get(k)).filter((r): r is SourceRecord => r !== undefined && !r.deleted);
          yield { records: found, missingKeys: keys.filter((k) => !found.some((r) => r.key === k)) };
        },
      };
    },
  });
}

export const testEntities: EntitySpec[] = [
  {
    name: 'department',
    applyOrder: 1,
    deactivatable: true,
    compared: ['description', 'active'],
    valuesSchema: { type: 'object', additionalProperties: false, required: ['code', 'description'], properties: { code: { type: 'string' }, description: { type: 'string', minLength: 1 }, active: { type: 'boolean' } } },
  },
  {
    name: 'headcount',
    applyOrder: 2,
    deactivatable: false,
    compared: ['headcount'],
    valuesSchema: { type: 'object', additionalProperties: false, required: ['costCenter', 'headcount'], properties: { costCenter: { type: 'string' }, headcount: { type: 'integer', minimum: 0 } } },
  },
];

export interface TestSinkConfig {
  /** Effects are appended here (one JSON line per applied idempotency key); in memory when absent. */
  stateFile?: string;
  separator: string;
}

export interface SinkEffect {
  idempotencyKey: string;
  entity: string;
  key: string;
  action: Change['action'];
  values: JsonObject;
}

/** The sink's observable side: effects, keys seen, and switches for faults. */
export interface SinkProbe {
  effects: SinkEffect[];
  keysSeen: string[];
  /** Called for each change before it is applied; return an error to fail it. */
  fault?: (change: Change) => MlcError | 'drift' | undefined;
  /** Refuse a write whose expected version is not the item's (drift, with the item as it is), and say so (conditionalWrites). */
  conditional?: boolean;
  /** Each readActual call, as `entity:key,key` (or `entity:all`). */
  reads?: string[];
}

export function readEffects(file: string): SinkEffect[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SinkEffect);
}

export function testSinkDefinition(probe: SinkProbe = { effects: [], keysSeen: [] }) {
  return defineConnector<TestSinkConfig>({
    type: 'test-sink',
    kind: 'sink',
    summary: 'Departments and headcount in memory or a file, for engine tests.',
    configSchema: { type: 'object', additionalProperties: false, required: ['separator'], properties: { stateFile: { type: 'string' }, separator: { type: 'string', minLength: 1, maxLength: 1 } } },
    examples: [{ separator: '-' }],
    entities: () => testEntities,
    create(config) {
      const effects = (): SinkEffect[] => (config.stateFile ? readEffects(config.stateFile) : probe.effects);
      const items = (): Map<string, ActualItem> => {
        const state = new Map<string, ActualItem>();
        for (const e of effects()) {
          const previous = state.get(`${e.entity}/${e.key}`);
          state.set(`${e.entity}/${e.key}`, { entity: e.entity, key: e.key, values: e.values, active: e.action !== 'deactivate' && e.values.active !== false, version: String(Number(previous?.version ?? 0) + 1) });
        }
        return state;
      };
      return {
        ...(probe.conditional ? { conditionalWrites: true } : {}),
        async readActual(entity, keys) {
          probe.reads?.push(`${entity}:${keys === 'all' ? 'all' : keys.join(',')}`);
          const all = [...items().values()].filter((i) => i.entity === entity);
          return keys === 'all' ? all : all.filter((i) => keys.includes(i.key));
        },
        async apply(changes) {
          const applied = new Set(effects().map((e) => e.idempotencyKey));
          return changes.map((change): ChangeResult => {
            probe.keysSeen.push(change.idempotencyKey);
            const fault = probe.fault?.(change);
            if (fault === 'drift') return { change, status: 'drift', detail: 'edited by hand' };
            if (fault) return { change, status: 'failed', error: fault };
            const current = items().get(`${change.entity}/${change.key}`);
            if (probe.conditional && !applied.has(change.idempotencyKey) && current?.version !== change.expectedVersion) {
              return { change, status: 'drift', ...(current ? { actual: current } : {}), detail: `version ${current?.version ?? 'none'}, not ${change.expectedVersion ?? 'none'}` };
            }
            if (!applied.has(change.idempotencyKey)) {
              const effect: SinkEffect = { idempotencyKey: change.idempotencyKey, entity: change.entity, key: change.key, action: change.action, values: change.after ?? {} };
              if (config.stateFile) appendFileSync(config.stateFile, `${JSON.stringify(effect)}\n`);
              else probe.effects.push(effect);
              applied.add(change.idempotencyKey);
            }
            if (!probe.conditional) return { change, status: 'applied' };
            const version = items().get(`${change.entity}/${change.key}`)?.version;
            return { change, status: 'applied', ...(version !== undefined ? { version } : {}) };
          });
        },
      };
    },
  });
}
