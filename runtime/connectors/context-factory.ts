// Builds the context a connector is created with. The runtime (engine, CLI commands) supplies the
// pieces it owns — where secrets and state live, the run's abort signal — and gets back the narrow
// interface connectors see.
import { setMaxListeners } from 'node:events';
import type { Logger } from '../lib/log.ts';
import type { ConnectorContext, ConnectorLogger, ConnectorSecrets, ConnectorState } from './context.ts';
import { createConnectorHttp, type HttpEnvironment } from './http.ts';

export interface ContextParts {
  pipeline: string;
  connector: string;
  runId?: string;
  logger: Logger;
  secrets: ConnectorSecrets;
  state: ConnectorState;
  signal: AbortSignal;
  clock?: () => Date;
  /** Tests replace waiting and jitter so retries are counted, not timed. */
  sleep?: HttpEnvironment['sleep'];
  random?: HttpEnvironment['random'];
}

/** Narrows a pino logger to the four levels and child(), bound to pipeline, connector and run. */
export function narrowLogger(logger: Logger): ConnectorLogger {
  return {
    debug: (fields, message) => logger.debug(fields, message),
    info: (fields, message) => logger.info(fields, message),
    warn: (fields, message) => logger.warn(fields, message),
    error: (fields, message) => logger.error(fields, message),
    child: (bindings) => narrowLogger(logger.child(bindings)),
  };
}

export function createConnectorContext(parts: ContextParts): ConnectorContext {
  // Every in-flight request and wait listens on the run's signal; dozens at once are normal here.
  setMaxListeners(1000, parts.signal);
  const logger = narrowLogger(parts.logger.child({ pipeline: parts.pipeline, connector: parts.connector, ...(parts.runId ? { runId: parts.runId } : {}) }));
  const clock = parts.clock ?? (() => new Date());
  return {
    logger,
    http: createConnectorHttp({
      logger,
      signal: parts.signal,
      clock,
      ...(parts.sleep ? { sleep: parts.sleep } : {}),
      ...(parts.random ? { random: parts.random } : {}),
    }),
    secrets: parts.secrets,
    state: parts.state,
    pipeline: parts.pipeline,
    clock,
    signal: parts.signal,
  };
}

/** State kept in memory: for commands that run once (read, ping) and for tests. */
export function memoryState(): ConnectorState {
  const values = new Map<string, string>();
  return {
    get: async (key) => {
      const value = values.get(key);
      return value === undefined ? undefined : (JSON.parse(value) as ReturnType<typeof JSON.parse>);
    },
    set: async (key, value) => {
      values.set(key, JSON.stringify(value));
    },
  };
}
