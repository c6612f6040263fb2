// Evaluates JSONata in worker threads with hard limits: a wall-clock deadline enforced by
// terminate() (which stops even a catastrophic regex, which no in-thread hook can) and V8 heap
// limits. Each worker (a lane) runs one evaluation at a time; a killed worker is replaced on the next
// call. A batch of several inputs is spread over the lanes (two by default, one per core here), so
// the two cost centers a department move touches are evaluated side by side.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface IsolatedLimits {
  timeoutMs: number;
  maxDepth?: number;
}

export class ExpressionLimitError extends Error {
  override readonly name = 'ExpressionLimitError';
}

interface Reply {
  id: number;
  ok: boolean;
  json?: string;
  message?: string;
  results?: { ok: boolean; json?: string; message?: string }[];
}

/** One input's result in a batch: its value, or why it failed (the others are unaffected). */
export type BatchResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Hard-deadline allowance per input of a batch, on top of one input's own limit. */
const PER_INPUT_MS = 5;

/** Grace on top of the expression's own soft timebox before the worker is killed. */
const HARD_GRACE_MS = 100;

/** Spread weight of one input: a list (a partition's records) weighs its length, anything else 1. */
const weightOf = (input: unknown): number => (Array.isArray(input) ? input.length + 1 : 1);

/**
 * The inputs' indexes split over `lanes` lanes, heaviest first onto the lightest lane, so the lanes
 * finish at about the same time. Lanes left empty are dropped.
 */
export function spread(inputs: readonly unknown[], lanes: number): number[][] {
  const order = inputs.map((input, index) => ({ index, weight: weightOf(input) })).sort((a, b) => b.weight - a.weight || a.index - b.index);
  const loads = Array.from({ length: Math.max(1, Math.min(lanes, inputs.length)) }, () => ({ weight: 0, indexes: [] as number[] }));
  for (const { index, weight } of order) {
    const lightest = loads.reduce((min, lane) => (lane.weight < min.weight ? lane : min));
    lightest.weight += weight;
    lightest.indexes.push(index);
  }
  return loads.map((lane) => lane.indexes.sort((a, b) => a - b)).filter((indexes) => indexes.length > 0);
}

export class IsolatedEvaluator {
  private readonly lanes: Lane[];

  /**
   * @param options.maxHeapMb heap each worker may use; past it the evaluation fails, not the process.
   * At least 256: on Node 20 a worker that outgrows a much smaller limit in one large allocation can
   * abort the whole process (seen here at 64 and 128 MB with a 10-million-element range).
   * @param options.lanes workers a batch may be spread over (default: 2, or 1 on a single core). A
   * lane's worker starts when it is first used.
   */
  constructor(options: { maxHeapMb: number; lanes?: number } = { maxHeapMb: 256 }) {
    if (options.maxHeapMb < 256) throw new RangeError('maxHeapMb below 256 risks a process-wide out-of-memory abort on Node 20');
    const count = Math.max(1, Math.floor(options.lanes ?? Math.min(2, availableParallelism())));
    this.lanes = Array.from({ length: count }, () => new Lane(options.maxHeapMb));
  }

  /** Evaluates `source` against `input`; results come back as plain JSON values. */
  evaluate(source: string, input: unknown, limits: IsolatedLimits, bindings?: Record<string, unknown>): Promise<unknown> {
    return (this.lanes[0] as Lane).evaluate(source, input, limits, bindings);
  }

  /**
   * Evaluates `source` against each input, in one message per lane (a page of records, not one round
   * trip per record), the lanes side by side. Each input has its own soft timebox; when a lane's part
   * must be killed (a catastrophic regex no hook can stop) its inputs are re-run one by one, so only
   * the runaway one fails. Results are in the inputs' order.
   */
  async evaluateBatch(source: string, inputs: readonly unknown[], limits: IsolatedLimits, bindings?: Record<string, unknown>): Promise<BatchResult[]> {
    if (inputs.length === 0) return [];
    const parts = spread(inputs, this.lanes.length);
    const answers = await Promise.all(
      parts.map((indexes, lane) =>
        (this.lanes[lane] as Lane).evaluateBatch(
          source,
          indexes.map((i) => inputs[i]),
          limits,
          bindings,
        ),
      ),
    );
    const results: BatchResult[] = new Array(inputs.length);
    parts.forEach((indexes, lane) => indexes.forEach((index, k) => (results[index] = answers[lane]?.[k] ?? { ok: false, message: 'no result' })));
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.close()));
  }
}

/** One worker and the queue of evaluations waiting for it. */
class Lane {
  private worker: Promise<Worker> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 0;

  constructor(private readonly maxHeapMb: number) {}

  evaluate(source: string, input: unknown, limits: IsolatedLimits, bindings?: Record<string, unknown>): Promise<unknown> {
    const run = this.queue.then(() => this.post({ source, input, bindings }, limits, limits.timeoutMs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async evaluateBatch(source: string, inputs: readonly unknown[], limits: IsolatedLimits, bindings?: Record<string, unknown>): Promise<BatchResult[]> {
    const run = this.queue.then(() => this.post({ source, inputs, bindings }, limits, limits.timeoutMs + PER_INPUT_MS * inputs.length));
    this.queue = run.catch(() => undefined);
    try {
      const reply = (await run) as Reply['results'];
      return (reply ?? []).map((r) => (r.ok ? { ok: true, value: r.json === undefined ? undefined : JSON.parse(r.json) } : { ok: false, message: r.message ?? 'evaluation failed' }));
    } catch (error) {
      if (!(error instanceof ExpressionLimitError) || inputs.length === 1) return inputs.map(() => ({ ok: false, message: (error as Error).message }));
      const results: BatchResult[] = [];
      for (const input of inputs) {
        try {
          results.push({ ok: true, value: await this.evaluate(source, input, limits, bindings) });
        } catch (one) {
          results.push({ ok: false, message: (one as Error).message });
        }
      }
      return results;
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await (await worker).terminate();
  }

  /** A worker that has loaded jsonata: deadlines start after start-up, which can take longer than a limit. */
  private spawn(): Promise<Worker> {
    const worker = new Worker(new URL('./jsonata-worker.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb, stackSizeMb: 4 },
    });
    worker.unref();
    return new Promise((resolve, reject) => {
      const onReady = (message: { ready?: boolean }): void => {
        if (!message.ready) return;
        worker.off('message', onReady).off('error', reject);
        resolve(worker);
      };
      worker.on('message', onReady).once('error', reject);
    });
  }

  private async post(message: { source: string; input?: unknown; inputs?: readonly unknown[]; bindings?: Record<string, unknown> | undefined }, limits: IsolatedLimits, hardMs: number): Promise<unknown> {
    const maxHeapMb = this.maxHeapMb;
    const starting = (this.worker ??= this.spawn());
    const worker = await starting;
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const finish = (error?: Error, value?: unknown): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (error) reject(error);
        else resolve(value);
      };
      const kill = (error: Error): void => {
        if (this.worker === starting) this.worker = undefined;
        // A worker being discarded can still report (an out-of-memory error racing the deadline): an
        // 'error' event with no listener would crash this thread, so it is heard and ignored.
        worker.on('error', () => undefined);
        void worker.terminate();
        finish(error);
      };
      const onMessage = (reply: Reply): void => {
        if (reply.id !== id) return;
        if (reply.ok && reply.results) finish(undefined, reply.results);
        else if (reply.ok) finish(undefined, reply.json === undefined ? undefined : JSON.parse(reply.json));
        else finish(new Error(reply.message ?? 'evaluation failed'));
      };
      const onError = (error: Error): void => {
        const outOfMemory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        kill(outOfMemory ? new ExpressionLimitError(`expression used more than ${maxHeapMb} MB`) : error);
      };
      const onExit = (): void => kill(new ExpressionLimitError('expression evaluator stopped'));
      const timer = setTimeout(() => kill(new ExpressionLimitError(`expression ran longer than ${limits.timeoutMs} ms`)), hardMs + HARD_GRACE_MS);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, ...message, timeoutMs: limits.timeoutMs, maxDepth: limits.maxDepth });
    });
  }
}
