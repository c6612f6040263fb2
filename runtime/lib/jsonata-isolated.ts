// Evaluates JSONata in a worker thread with hard limits: a wall-clock deadline enforced by
// terminate() (which stops even a catastrophic regex, which no in-thread hook can) and V8 heap
// limits. One worker, one evaluation at a time; a killed worker is replaced on the next call.
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
}

/** Grace on top of the expression's own soft timebox before the worker is killed. */
const HARD_GRACE_MS = 100;

export class IsolatedEvaluator {
  private worker: Worker | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 0;

  /**
   * @param options.maxHeapMb heap the worker may use; past it the evaluation fails, not the process.
   * At least 256: on Node 20 a worker that outgrows a much smaller limit in one large allocation can
   * abort the whole process (seen here at 64 and 128 MB with a 10-million-element range).
   */
  constructor(private readonly options: { maxHeapMb: number } = { maxHeapMb: 256 }) {
    if (options.maxHeapMb < 256) throw new RangeError('maxHeapMb below 256 risks a process-wide out-of-memory abort on Node 20');
  }

  /** Evaluates `source` against `input`; results come back as plain JSON values. */
  evaluate(source: string, input: unknown, limits: IsolatedLimits, bindings?: Record<string, unknown>): Promise<unknown> {
    const run = this.queue.then(() => this.runOne(source, input, limits, bindings));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./jsonata-worker.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb, stackSizeMb: 4 },
    });
    worker.unref();
    return worker;
  }

  private runOne(source: string, input: unknown, limits: IsolatedLimits, bindings?: Record<string, unknown>): Promise<unknown> {
    const maxHeapMb = this.options.maxHeapMb;
    const worker = (this.worker ??= this.spawn());
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
        if (this.worker === worker) this.worker = undefined;
        void worker.terminate();
        finish(error);
      };
      const onMessage = (reply: Reply): void => {
        if (reply.id !== id) return;
        if (reply.ok) finish(undefined, reply.json === undefined ? undefined : JSON.parse(reply.json));
        else finish(new Error(reply.message ?? 'evaluation failed'));
      };
      const onError = (error: Error): void => {
        const outOfMemory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        kill(outOfMemory ? new ExpressionLimitError(`expression used more than ${maxHeapMb} MB`) : error);
      };
      const onExit = (): void => kill(new ExpressionLimitError('expression evaluator stopped'));
      const timer = setTimeout(() => kill(new ExpressionLimitError(`expression ran longer than ${limits.timeoutMs} ms`)), limits.timeoutMs + HARD_GRACE_MS);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, source, input, bindings, timeoutMs: limits.timeoutMs, maxDepth: limits.maxDepth });
    });
  }
}
