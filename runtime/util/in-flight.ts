// Runs `work` over the items with at most `limit` running at once; results in the items' order. Once
// the signal is aborted or one item throws, no new item starts; the call returns (or throws the first
// error) only after those already running have finished, so no write is left in flight behind it.
export async function inFlight<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>, signal: AbortSignal = new AbortController().signal): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let stopped = false;
  const lane = async (): Promise<void> => {
    while (!stopped && next < items.length) {
      if (signal.aborted) stopped = true;
      signal.throwIfAborted();
      const index = next++;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        stopped = true;
        throw error;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, lane));
  const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (failed) throw failed.reason;
  return results;
}
