// Hard limits for user-written JSONata (reliability checklist IN-4): each runaway case is stopped
// near its limit, the main thread stays responsive, and the evaluator keeps working afterwards.
import { afterAll, describe, expect, it } from 'vitest';
import { ExpressionLimitError, IsolatedEvaluator, spread } from './jsonata-isolated.ts';

const evaluator = new IsolatedEvaluator();
afterAll(() => evaluator.close());

/** How many times a 20 ms timer fired on this thread while `work` ran: none if the thread was blocked. */
async function ticksDuring<T>(work: Promise<T>): Promise<{ ticks: number; settled: PromiseSettledResult<T> }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  const [settled] = await Promise.allSettled([work]);
  clearInterval(timer);
  return { ticks, settled: settled as PromiseSettledResult<T> };
}

describe('isolated JSONata evaluation', () => {
  it('evaluates and returns plain JSON', async () => {
    expect(await evaluator.evaluate('$sum(items.qty)', { items: [{ qty: 2 }, { qty: 3 }] }, { timeoutMs: 1000 })).toBe(5);
    expect(await evaluator.evaluate('$x & "!"', {}, { timeoutMs: 1000 }, { x: 'hi' })).toBe('hi!');
    expect(await evaluator.evaluate('nothing', {}, { timeoutMs: 1000 })).toBeUndefined();
  });

  it('reports an evaluation error without losing the worker', async () => {
    await expect(evaluator.evaluate('$number("x")', {}, { timeoutMs: 1000 })).rejects.toThrow(/number/i);
    expect(await evaluator.evaluate('1 + 1', {}, { timeoutMs: 1000 })).toBe(2);
  });

  it('stops infinite recursion at its deadline (soft limit)', async () => {
    await expect(evaluator.evaluate('($f := function($n){ $f($n + 1) }; $f(1))', {}, { timeoutMs: 300, maxDepth: 100_000 })).rejects.toThrow(/longer than 300 ms|deeper/);
  });

  it('arms the step hooks only for an expression that can loop (defines a function or reaches $eval)', async () => {
    // maxDepth 2 is far below what any of these nests: the hooks, when armed, refuse at once.
    const limits = { timeoutMs: 1000, maxDepth: 2 };
    expect(await evaluator.evaluate('$sum(items.(qty * (1 + (0))))', { items: [{ qty: 2 }, { qty: 3 }] }, limits)).toBe(5);
    await expect(evaluator.evaluate('($double := function($n){ $n * 2 }; $sum(items.$double(qty)))', { items: [{ qty: 2 }] }, limits)).rejects.toThrow(/deeper than 2/);
    await expect(evaluator.evaluate('$eval("1 + (2)")', {}, limits)).rejects.toThrow(/deeper than 2/);
    await expect(evaluator.evaluate('($e := $eval; $e("1"))', {}, limits)).rejects.toThrow(/deeper than 2/);
  });

  it('stops a loop-free expression that runs too long at the hard deadline', async () => {
    // No function, so no hooks: a cross product of 3,000 × 3,000 is stopped by the worker's kill.
    const input = { a: Array.from({ length: 3000 }, (_, i) => i) };
    await expect(evaluator.evaluate('$count(a.($x := $; $$.a[$ > $x]))', input, { timeoutMs: 200 })).rejects.toThrow(ExpressionLimitError);
    expect(await evaluator.evaluate('"alive"', {}, { timeoutMs: 1000 })).toBe('alive');
    // In a batch, the input over its time fails alone, as it does under the hooks.
    const big = { a: input.a };
    const small = { a: [1, 2, 3] };
    const results = await evaluator.evaluateBatch('$count(a.($x := $; $$.a[$ > $x]))', [small, big, small], { timeoutMs: 300 });
    expect(results).toEqual([{ ok: true, value: 3 }, { ok: false, message: expect.stringMatching(/longer than 300 ms/) }, { ok: true, value: 3 }]);
  });

  it('fails a loop-free input that ends past its time, though its batch is within the lane\'s deadline', async () => {
    // 300 × 300 comparisons take well over 40 ms, and far less than the batch's hard deadline
    // (40 ms + 5 ms for each of the 301 inputs): only the check after the evaluation can fail it.
    const medium = { a: Array.from({ length: 300 }, (_, i) => i) };
    const inputs = [medium, ...Array.from({ length: 300 }, () => ({ a: [1, 2] }))];
    const results = await evaluator.evaluateBatch('$count(a.($x := $; $$.a[$ > $x]))', inputs, { timeoutMs: 40 });
    expect(results[0]).toEqual({ ok: false, message: 'expression ran longer than 40 ms' });
    expect(results.slice(1).every((r) => r.ok && r.value === 1)).toBe(true);
  });

  it('stops a catastrophic regex, which no in-thread hook can, without blocking this thread', async () => {
    const { ticks, settled } = await ticksDuring(evaluator.evaluate('$match(s, /^(a+)+$/)', { s: `${'a'.repeat(40)}!` }, { timeoutMs: 300 }));
    expect(settled.status).toBe('rejected');
    expect((settled as PromiseRejectedResult).reason).toBeInstanceOf(ExpressionLimitError);
    // The evaluation takes at least its 300 ms deadline; a thread stuck in the regex would see no tick.
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(await evaluator.evaluate('"alive"', {}, { timeoutMs: 1000 })).toBe('alive');
  });

  it('stops an allocation past its heap limit', async () => {
    await expect(evaluator.evaluate('$count([1..10000000].{"n": $})', {}, { timeoutMs: 10_000 })).rejects.toThrow(/more than 256 MB|longer than/);
    expect(await evaluator.evaluate('"alive"', {}, { timeoutMs: 1000 })).toBe('alive');
  });

  it('does not let __proto__ in a result pollute this thread', async () => {
    await evaluator.evaluate('{"__proto__": {"polluted": true}}', {}, { timeoutMs: 1000 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('evaluates a batch in one message; an input that throws fails alone', async () => {
    const results = await evaluator.evaluateBatch('$x.n * 2', [{ n: 1 }, { n: 2 }, { n: 3 }], { timeoutMs: 1000 }, { x: undefined });
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    const mixed = await evaluator.evaluateBatch('$exists(n) ? n : $error("not a number")', [{ n: 1 }, { v: 2 }, { n: 3 }], { timeoutMs: 1000 });
    expect(mixed).toEqual([{ ok: true, value: 1 }, { ok: false, message: 'not a number' }, { ok: true, value: 3 }]);
  });

  it('a runaway input in a batch fails alone: the batch is re-run one by one after the kill', async () => {
    const inputs = [{ s: 'aaa' }, { s: `${'a'.repeat(40)}!` }, { s: 'ab' }];
    const results = await evaluator.evaluateBatch('$count($match(s, /^(a+)+$/))', inputs, { timeoutMs: 200 });
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[0]).toEqual({ ok: true, value: 1 });
  });

  it('spreads a batch over its lanes by weight, heaviest first, and answers in the inputs\' order', async () => {
    // Partitions of 523, 266 and 10 records on two lanes: the big one alone, the others together.
    expect(spread([new Array(10), new Array(523), new Array(266)], 2)).toEqual([[1], [0, 2]]);
    expect(spread([{}, {}, {}, {}], 2)).toEqual([[0, 2], [1, 3]]);
    expect(spread([{}], 2)).toEqual([[0]]);
    const results = await evaluator.evaluateBatch('$sum($)', [[1, 2, 3], [4], [5, 6], [7, 8, 9, 10]], { timeoutMs: 1000 });
    expect(results).toEqual([6, 4, 11, 34].map((value) => ({ ok: true, value })));
  });

  it('a lane killed for a runaway input leaves the other lane\'s inputs answered', async () => {
    const inputs = [[{ s: `${'a'.repeat(40)}!` }, { s: 'a' }], [{ s: 'aa' }]];
    const results = await evaluator.evaluateBatch('$count($.$match(s, /^(a+)+$/))', inputs, { timeoutMs: 200 });
    expect(results).toEqual([{ ok: false, message: expect.stringMatching(/longer than 200 ms/) }, { ok: true, value: 1 }]);
    expect(await evaluator.evaluate('1 + 1', {}, { timeoutMs: 1000 })).toBe(2);
  });
});
