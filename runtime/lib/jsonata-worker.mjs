// The worker behind runtime/lib/jsonata-isolated.ts: evaluates user-written JSONata away from the
// main thread, so a catastrophic regex or a runaway allocation can be stopped by terminate() and
// resourceLimits. Results travel as JSON text (functions and sequences do not clone).
import { parentPort } from 'node:worker_threads';
import jsonata from 'jsonata';

/**
 * Soft limits checked at every evaluation step; they stop deep or long recursion cleanly. jsonata 2.x
 * looks its hooks up by Symbol.for(...) names; the string names of older examples register nothing.
 */
function armTimebox(expression, { timeoutMs, maxDepth = 500 }) {
  const started = Date.now();
  let depth = 0;
  let steps = 0;
  expression.assign(Symbol.for('jsonata.__evaluate_entry'), () => {
    depth++;
    if (depth > maxDepth) throw new Error(`expression nested deeper than ${maxDepth} levels`);
    // The clock is read every 64 steps: reading it at each one cost more than the evaluation itself.
    if ((++steps & 63) === 0 && Date.now() - started > timeoutMs) throw new Error(`expression ran longer than ${timeoutMs} ms`);
  });
  expression.assign(Symbol.for('jsonata.__evaluate_exit'), () => {
    depth--;
  });
}

/**
 * Whether an expression can run for longer than its input's size allows: only one that defines a
 * function (a lambda can call itself) or reaches $eval (which can define one) can loop. Without one,
 * every step walks the expression or the input, so the hooks are left off: jsonata awaits each hook at
 * each step, which doubled the cost of a plain aggregate. The hard deadline still holds for both.
 */
function canLoop(ast) {
  const stack = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (node.type === 'lambda') return true;
    if (node.type === 'variable' && node.value === 'eval') return true;
    for (const value of Object.values(node)) if (typeof value === 'object') stack.push(value);
  }
  return false;
}

const compiled = new Map();

function compile(source) {
  let entry = compiled.get(source);
  if (!entry) {
    const expression = jsonata(source);
    entry = { expression, timeboxed: canLoop(expression.ast()) };
    if (compiled.size > 500) compiled.clear();
    compiled.set(source, entry);
  }
  return entry;
}

const messageOf = (error) => (error && typeof error === 'object' && 'message' in error ? String(error.message) : String(error));

async function evaluateOne({ expression, timeboxed }, input, bindings, limits) {
  if (timeboxed) armTimebox(expression, limits);
  const started = Date.now();
  const result = await expression.evaluate(input, bindings);
  // Unhooked, an input over its time still fails alone, as a hooked one would: judged once it ends
  // (the lane's hard deadline stops one that would not).
  if (!timeboxed && Date.now() - started > limits.timeoutMs) throw new Error(`expression ran longer than ${limits.timeoutMs} ms`);
  return result === undefined ? undefined : JSON.stringify(result);
}

parentPort.on('message', async ({ id, source, input, inputs, bindings, timeoutMs, maxDepth }) => {
  try {
    const expression = compile(source);
    if (inputs) {
      // A batch: one message for a page of records; each gets its own soft timebox, and one that
      // throws fails alone. Results travel as one array of JSON texts.
      const results = [];
      for (const item of inputs) {
        try {
          results.push({ ok: true, json: await evaluateOne(expression, item, bindings, { timeoutMs, maxDepth }) });
        } catch (error) {
          results.push({ ok: false, message: messageOf(error) });
        }
      }
      parentPort.postMessage({ id, ok: true, results });
      return;
    }
    parentPort.postMessage({ id, ok: true, json: await evaluateOne(expression, input, bindings, { timeoutMs, maxDepth }) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: messageOf(error) });
  }
});

// Tells the evaluator the worker has loaded, so its deadlines do not count the start-up.
parentPort.postMessage({ ready: true });
