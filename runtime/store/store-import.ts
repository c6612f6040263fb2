// `ml-connector store import`: reads an export (store-export.ts) into a store. The input is read twice:
// first checked whole (header, version, every record's shape, the end line's count), so a truncated or
// foreign file changes nothing; then applied through the Store port itself — per pipeline as
// transactional commits of at most CHUNK items, so any store that passes the contract can take it.
import { MlcError } from '../errors.ts';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportRecord } from './store-export.ts';
import { emptyBatch, type BatchCommit, type Store } from './store.ts';

const CHUNK = 500;

const invalid = (where: string, why: string): MlcError => new MlcError('MLC_STORE_EXPORT_INVALID', `${where}: ${why}`);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Which fields each record kind must have, and of what kind ('object' | 'string' | 'any'). */
const SHAPES: Record<ExportRecord['t'], Record<string, 'object' | 'string' | 'any'>> = {
  checkpoint: { pipeline: 'string', value: 'any' },
  mirror: { pipeline: 'string', entry: 'object' },
  desired: { pipeline: 'string', item: 'object' },
  actual: { pipeline: 'string', item: 'object' },
  pending: { pipeline: 'string', change: 'object' },
  quarantine: { entry: 'object' },
  inbox: { entry: 'object' },
  job: { job: 'object' },
  dedupe: { key: 'string' },
  state: { scope: 'string', key: 'string', value: 'any' },
  audit: { event: 'object' },
};

function parseLine(text: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(where, 'not a JSON line');
  }
  if (!isObject(value)) throw invalid(where, 'not a JSON object');
  return value;
}

function checkRecord(line: Record<string, unknown>, where: string): ExportRecord {
  const shape = SHAPES[line.t as ExportRecord['t']];
  if (typeof line.t !== 'string' || !Object.hasOwn(SHAPES, line.t) || !shape) throw invalid(where, `unknown record type ${JSON.stringify(line.t)}`);
  for (const [field, kind] of Object.entries(shape)) {
    const value = line[field];
    if (value === undefined || (kind === 'object' && !isObject(value)) || (kind === 'string' && typeof value !== 'string')) throw invalid(where, `a '${line.t}' record needs '${field}' (${kind})`);
  }
  if (line.t === 'job') {
    const job = line.job as Record<string, unknown>;
    if (typeof job.pipeline !== 'string' || typeof job.kind !== 'string' || typeof job.notBefore !== 'string' || typeof job.attempts !== 'number') throw invalid(where, "a 'job' record needs job.pipeline, job.kind, job.notBefore and job.attempts");
  }
  return line as unknown as ExportRecord;
}

/** Reads the whole input once: throws MLC_STORE_EXPORT_INVALID unless it is a complete export this version can read. Returns the record count. */
export async function checkExport(lines: AsyncIterable<string>, name: string): Promise<number> {
  let number = 0;
  let records = 0;
  let ended = false;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    const where = `${name} line ${number}`;
    if (ended) throw invalid(where, 'a line after the end line');
    const line = parseLine(text, where);
    if (number === 1) {
      if (line.format !== EXPORT_FORMAT) throw invalid(where, `not an ml-connector store export (its first line has no "format": "${EXPORT_FORMAT}")`);
      if (line.version !== EXPORT_VERSION) throw invalid(where, `export format version ${String(line.version)}; this ml-connector reads version ${EXPORT_VERSION}${Number(line.version) > EXPORT_VERSION ? ' (the export was written by a newer release: import it with that release)' : ''}`);
      continue;
    }
    if (line.t === 'end') {
      if (line.records !== records) throw invalid(where, `the end line counts ${String(line.records)} records but ${records} came before it`);
      ended = true;
      continue;
    }
    checkRecord(line, where);
    records += 1;
  }
  if (number === 0) throw invalid(name, 'empty input');
  if (!ended) throw invalid(name, `ends after line ${number} without its end line: the export was cut short`);
  return records;
}

/** True when the store holds nothing an import could collide with. */
export async function storeIsEmpty(store: Store): Promise<boolean> {
  return (await store.transfer.pipelines()).length === 0 && (await store.transfer.state()).length === 0 && (await store.transfer.dedupeKeys()).length === 0;
}


/**
 * Applies a checked export (read it with checkExport first). Refuses a store that holds state unless
 * `force` (then the export is added on top: same keys are overwritten, audit events and jobs added).
 */
export async function importStore(store: Store, lines: AsyncIterable<string>, options: { force: boolean }): Promise<number> {
  if (!options.force && !(await storeIsEmpty(store))) {
    throw new MlcError('MLC_STORE_NOT_EMPTY', 'the target store already holds state (pipelines, jobs or connector state); import into an empty store, or pass --force to add the export on top of it');
  }
  let batch: BatchCommit | undefined;
  let size = 0;
  let applied = 0;
  const flush = async (): Promise<void> => {
    if (batch) await store.commit(batch);
    batch = undefined;
    size = 0;
  };
  /** The open batch for `pipeline`, committed first when it belongs to another pipeline or is full. */
  const batchFor = async (pipeline: string): Promise<BatchCommit> => {
    if (batch && (batch.pipeline !== pipeline || size >= CHUNK)) await flush();
    size += 1;
    return (batch ??= emptyBatch(pipeline, 'store-import'));
  };
  let first = true;
  for await (const text of lines) {
    if (text.trim() === '') continue;
    const line = JSON.parse(text) as ExportRecord | { t: 'end' };
    if (first || line.t === 'end') {
      first = false;
      continue;
    }
    applied += 1;
    switch (line.t) {
      case 'checkpoint':
        (await batchFor(line.pipeline)).checkpoint = line.value;
        break;
      case 'mirror':
        (await batchFor(line.pipeline)).mirror.upsert.push(line.entry);
        break;
      case 'desired':
        (await batchFor(line.pipeline)).desired.upsert.push(line.item);
        break;
      case 'actual':
        (await batchFor(line.pipeline)).actual.upsert.push(line.item);
        break;
      case 'pending':
        (await batchFor(line.pipeline)).pending.set.push(line.change);
        break;
      case 'quarantine':
        (await batchFor(line.entry.pipeline)).quarantine.park.push(line.entry);
        break;
      case 'audit':
        (await batchFor(line.event.pipeline)).audit.push(line.event);
        break;
      default:
        await flush();
        await applyOther(store, line);
    }
  }
  await flush();
  return applied;
}

async function applyOther(store: Store, line: Extract<ExportRecord, { t: 'inbox' | 'job' | 'dedupe' | 'state' }>): Promise<void> {
  if (line.t === 'inbox') await store.inbox.append(line.entry);
  else if (line.t === 'job') await store.transfer.restoreJob(line.job, line.dedupeKey);
  else if (line.t === 'dedupe') await store.transfer.restoreDedupeKey(line.key);
  else await store.state.set(line.scope, line.key, line.value);
}
