// Reads a request body with a hard size limit. A declared Content-Length over the limit is refused
// before a byte is read; a chunked body is cut off as soon as it passes the limit.
import type { IncomingMessage } from 'node:http';
import { AgentError } from '../errors.ts';

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limitBytes: number): AgentError {
  return new AgentError('payload_too_large', `request bodies are limited to ${limitBytes} bytes`);
}

/** JSON.parse with a typed error; deep nesting that overflows the parser is malformed input too. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new AgentError('malformed_json', 'the request needs a JSON body');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new AgentError('malformed_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
}
