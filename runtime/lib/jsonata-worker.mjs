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

const compiled = new Map();

function compile(source) {
  let expression = compiled.get(source);
  if (!expression) {
    expression = jsonata(source);
    if (compiled.size > 500) compiled.clear();
    compiled.set(source, expression);
  }
  return expression;
}

const messageOf = (error) => (error && typeof error === 'object' && 'message' in error ? String(error.message) : String(error));

async function evaluateOne(expression, input, bindings, limits) {
  armTimebox(expression, limits);
  const result = await expression.evaluate(input, bindings);
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
