// Reads a request body with a hard size limit. A declared Content-Length over the limit is refused
// before a byte is read; a chunked body is cut off as soon as it passes the limit.
import type { IncomingMessage } from 'node:http';
import { AgentError, validationError } from '../errors.ts';

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

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * JSON.parse with a typed error; deep nesting that overflows the parser is malformed input too.
 * Bytes that are not UTF-8 are refused (422), not stored as U+FFFD in Sage.
 */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new AgentError('malformed_json', 'the request needs a JSON body');
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw validationError('(body)', 'encoding', 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AgentError('malformed_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
}
