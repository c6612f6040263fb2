// Writes, one change at a time and one result per change: a conditional write (If-Match with the ETag
// read, or create-only) under an Idempotency-Key, so a retry after a crash has one effect and a hand edit
// is never overwritten unnoticed. A 412 re-reads the item once: already as desired → applied; otherwise
// reported as drift, or (policy `repair`) written once more against the new ETag. Because of this the
// sink declares conditionalWrites: the runtime may write over the ETag it remembers without a read.
import { createHash } from 'node:crypto';
import { ConnectorRuntimeError, type ActualItem, type ApplyOptions, type Change, type ChangeResult, type JsonObject } from '../../runtime/index.ts';
import { accountItem, headcountItem, subAccountItem } from './actual.ts';
import type { AgentClient, WriteAnswer, WriteCondition } from './client.ts';
import { parseHeadcountKey, parseSubAccountKey, type AccountFormat } from './codes.ts';

interface Target {
  /** The request body; its values are what the item will hold. */
  body: JsonObject;
  read(signal: AbortSignal): Promise<ActualItem | undefined>;
  write(body: JsonObject, condition: WriteCondition, idempotencyKey: string, signal: AbortSignal): Promise<WriteAnswer<ActualItem>>;
}

/**
 * The agent remembers a key for days, so the key also names the version written over: writing the same
 * values again after a hand edit (a repair, or the pipeline reverting) is a new write, not a replay.
 */
export function writeKey(change: Change, version: string | undefined): string {
  const base = change.idempotencyKey.length <= 120 && /^[\x21-\x7e]+$/.test(change.idempotencyKey) ? change.idempotencyKey : sha(change.idempotencyKey).slice(0, 40);
  return `${base}@${sha(version ?? 'new').slice(0, 16)}`;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function mapAnswer<T>(answer: WriteAnswer<T>, toItem: (record: T) => ActualItem | undefined): WriteAnswer<ActualItem> {
  if (answer.kind === 'conflict') return answer;
  const record = toItem(answer.record);
  if (!record) throw new ConnectorRuntimeError('MLC_REMOTE_CONTRACT', 'the Sage 100 agent answered a write with a record of another segment');
  return { ...answer, record };
}

/** What a change writes, and how to read the one item back; throws MLC_SINK_CODE_FORMAT before any request. */
export function targetOf(client: AgentClient, format: AccountFormat, change: Change): Target {
  const values = { ...change.before, ...change.after };
  const active = change.action !== 'deactivate' && values.active !== false;
  const status = active ? 'active' : 'inactive';
  const key = change.key;
  const write = { recordKey: key };
  if (change.entity === 'subAccount') {
    const segment = format.byName(String(values.segment ?? parseSubAccountKey(key).segment), key);
    if (segment === format.main) throw new ConnectorRuntimeError('MLC_SINK_CODE_FORMAT', `segment '${segment.name}' is the main account, not a sub-account segment`, write);
    const code = format.normalize(segment, values.code ?? parseSubAccountKey(key).code, key);
    return {
      body: { description: String(values.description ?? ''), status },
      read: async (signal) => {
        const record = await client.subAccount(segment.segmentNo, code, signal);
        return record && subAccountItem(format, record);
      },
      write: async (body, condition, idempotencyKey, signal) =>
        mapAnswer(await client.putSubAccount(segment.segmentNo, code, body, { ...write, idempotencyKey, condition, signal }), (r) => subAccountItem(format, r)),
    };
  }
  if (change.entity === 'account') {
    const mainAccount = format.normalize(format.main, values.mainAccount ?? key.split(format.separator)[0], key);
    const segments = values.segments ? format.costCenterCodes(values.segments, key) : format.parseCostCenterKey(key.slice(key.indexOf(format.separator) + 1));
    const formatted = format.accountKey(mainAccount, segments);
    return {
      body: { mainAccount, segments, description: String(values.description ?? ''), status },
      read: async (signal) => {
        const record = await client.account(formatted, signal);
        return record && accountItem(format, record);
      },
      write: async (body, condition, idempotencyKey, signal) => mapAnswer(await client.postAccount(body, { ...write, idempotencyKey, condition, signal }), (r) => accountItem(format, r)),
    };
  }
  if (change.entity === 'headcount') {
    const parsed = parseHeadcountKey(key);
    const costCenter = values.costCenter ? format.costCenterCodes(values.costCenter, key) : format.parseCostCenterKey(parsed.costCenter);
    const period = String(values.period ?? parsed.period);
    const wanted = format.costCenterKey(costCenter);
    return {
      body: { costCenter, period, headcount: change.action === 'deactivate' ? 0 : Number(values.headcount) },
      read: async (signal) => {
        // The agent lists a period, not one cost center: one read, filtered here (only after a 412).
        const record = (await client.headcount(period, signal)).find((r) => format.costCenterKey(r.costCenter) === wanted);
        return record && headcountItem(format, record);
      },
      write: async (body, condition, idempotencyKey, signal) => mapAnswer(await client.postHeadcount(body, { ...write, idempotencyKey, condition, signal }), (r) => headcountItem(format, r)),
    };
  }
  throw new ConnectorRuntimeError('MLC_INTERNAL', `the Sage 100 sink has no entity '${change.entity}'`, write);
}

/** Whether the item holds these values (compared fields only). */
function matches(item: ActualItem, values: JsonObject, compared: readonly string[]): boolean {
  return compared.every((field) => (field === 'active' ? item.active === (values.active !== false) : JSON.stringify(item.values[field]) === JSON.stringify(values[field])));
}

/** Whether the item already holds what the change writes. */
function holds(item: ActualItem, change: Change, compared: readonly string[]): boolean {
  return change.action === 'deactivate' ? !item.active : matches(item, change.after ?? {}, compared);
}

/** Whether the item still holds what the change was planned over: its version moved, nothing compared did. */
function unchanged(item: ActualItem, change: Change, compared: readonly string[]): boolean {
  return change.action !== 'create' && change.before !== undefined && matches(item, change.before, compared);
}

export interface Applier {
  apply(change: Change, options: ApplyOptions): Promise<ChangeResult>;
}

export function createApplier(client: AgentClient, format: AccountFormat, comparedOf: (entity: string) => readonly string[]): Applier {
  async function once(change: Change, options: ApplyOptions): Promise<ChangeResult> {
    const target = targetOf(client, format, change);
    const condition = (version: string | undefined): WriteCondition => (version ? { ifMatch: version } : { createOnly: true });
    const first = await target.write(target.body, condition(change.expectedVersion), writeKey(change, change.expectedVersion), options.signal);
    if (first.kind === 'written') return { change, status: 'applied', ...(first.record.version ? { version: first.record.version } : {}) };
    // 412: changed by hand since the read (or created meanwhile). Re-read and re-plan once.
    const actual = await target.read(options.signal);
    if (actual && holds(actual, change, comparedOf(change.entity))) return { change, status: 'applied', ...(actual.version ? { version: actual.version } : {}) };
    // Only the version moved (a field the pipeline does not compare): the plan still stands, so it is
    // written over the new version like a repair, without being one.
    const onlyVersion = actual?.version !== undefined && unchanged(actual, change, comparedOf(change.entity));
    const what = actual ? `it was edited in Sage 100 since it was last read or written (now ${JSON.stringify(actual.values)})` : 'it was deleted in Sage 100 since it was last read or written';
    if (!onlyVersion && options.drift !== 'repair') return { change, status: 'drift', ...(actual ? { actual } : {}), detail: `${change.entity} ${change.key}: ${what}; not overwritten (drift policy ${options.drift})` };
    const second = await target.write(target.body, condition(actual?.version), writeKey(change, actual?.version), options.signal);
    if (second.kind === 'written') return { change, status: 'applied', ...(second.record.version ? { version: second.record.version } : {}), ...(onlyVersion ? {} : { repaired: `${change.entity} ${change.key}: ${what}; written back (drift policy repair)` }) };
    return { change, status: 'drift', ...(actual ? { actual } : {}), detail: `${change.entity} ${change.key}: edited in Sage 100 again while it was being written; left for the next run` };
  }

  return {
    async apply(change, options) {
      try {
        return await once(change, options);
      } catch (error) {
        if (options.signal.aborted) throw error;
        if (error instanceof ConnectorRuntimeError) {
          const failed = error.recordKey ? error : new ConnectorRuntimeError(error.code, error.message, { cause: error, recordKey: change.key, errorClass: error.errorClass, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) });
          return { change, status: 'failed', error: failed };
        }
        return { change, status: 'failed', error: new ConnectorRuntimeError('MLC_INTERNAL', `applying ${change.entity} ${change.key} failed: ${String(error)}`, { cause: error, recordKey: change.key }) };
      }
    },
  };
}
