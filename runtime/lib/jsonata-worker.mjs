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
  expression.assign(Symbol.for('jsonata.__evaluate_entry'), () => {
    depth++;
    if (depth > maxDepth) throw new Error(`expression nested deeper than ${maxDepth} levels`);
    if (Date.now() - started > timeoutMs) throw new Error(`expression ran longer than ${timeoutMs} ms`);
  });
  expression.assign(Symbol.for('jsonata.__evaluate_exit'), () => {
    depth--;
  });
}

const compiled = new Map();

parentPort.on('message', async ({ id, source, input, bindings, timeoutMs, maxDepth }) => {
  try {
    let expression = compiled.get(source);
    if (!expression) {
      expression = jsonata(source);
      if (compiled.size > 500) compiled.clear();
      compiled.set(source, expression);
    }
    armTimebox(expression, { timeoutMs, maxDepth });
    const result = await expression.evaluate(input, bindings);
    parentPort.postMessage({ id, ok: true, json: result === undefined ? undefined : JSON.stringify(result) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: error && typeof error === 'object' && 'message' in error ? String(error.message) : String(error) });
  }
});
