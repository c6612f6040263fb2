import { describe, expect, it } from 'vitest';
import { createServiceMetrics, histogramBuckets } from './metrics.ts';

describe('histogramBuckets', () => {
  it("gives one pipeline's cumulative counts per bucket bound, and its total", async () => {
    const metrics = createServiceMetrics();
    for (const seconds of [0.0008, 0.004, 0.004, 0.3]) metrics.webhookAckSeconds.observe({ pipeline: 'a' }, seconds);
    metrics.webhookAckSeconds.observe({ pipeline: 'b' }, 0.0008);
    const { count, buckets } = await histogramBuckets(metrics.webhookAckSeconds, 'a');
    expect(count).toBe(4);
    expect(buckets.slice(0, 3)).toEqual([{ leSeconds: 0.001, count: 1 }, { leSeconds: 0.0025, count: 1 }, { leSeconds: 0.005, count: 3 }]);
    expect(buckets.at(-1)).toEqual({ leSeconds: 2.5, count: 4 });
    expect((await histogramBuckets(metrics.webhookAckSeconds, 'none')).count).toBe(0);
  });
});
