// Connection hygiene for the sandbox: each address holds at most 64 connections and all together at
// most `maxConnections`, well below the usual 1,024 file-descriptor limit (1,100 idle connections
// used to exhaust it and lock everyone out); idle keep-alive closes after 5 s, request headers are
// due within 10 s. The limits are the Sage 100 agent's (agent/http/connection-guard.ts).
import type { Server } from 'node:http';
import type { Logger } from '../../runtime/lib/log.ts';
import { guardConnections, type ConnectionGuard } from '../../agent/http/connection-guard.ts';
import { SampledLog } from '../../agent/http/sampled-log.ts';

/**
 * The guard closes a connection that has not authenticated within 10 s of its handshake: the server
 * marks one through the returned guard once a request on it authenticated (an API call with valid
 * credentials, or a token or consent exchange that succeeded). Unmarked, every client lost its
 * connection 10 s in, sometimes mid-response.
 */
export function limitConnections(server: Server, maxConnections: number, logger: Logger, authDeadlineMs?: number): ConnectionGuard {
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  return guardConnections(server, { maxConnections, maxPerAddress: 64, ...(authDeadlineMs !== undefined ? { authDeadlineMs } : {}) }, new SampledLog(logger));
}
