// Request/reply shapes shared by every handler, plus the helpers that turn a Reply into bytes:
// content negotiation (XML unless Accept: application/json), error headers, capped body reading.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Company } from './model.ts';
import type { RuntimeSettings } from './options.ts';
import { jsonToXml, renderXml, type XmlElement } from './xml.ts';

export type AuthKind = 'none' | 'basic' | 'bearer' | 'admin';

export interface SandboxRequest {
  method: string;
  /** Path with the tenant part (gateway or /co/{domain}) removed and any trailing slash stripped. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  company?: Company;
  authKind: AuthKind;
  /** The scopes granted to a Bearer token (endpoints that need a scope check them). */
  scopes?: string[];
  /** Scheme, Host and the path as the client sent it (tenant part kept), without the query: the base of `_links`. */
  linkBase?: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Dedicated XML form; without it, XML answers use a generic conversion of `json`. */
  xml?: () => XmlElement;
  xmlRoot?: string;
  text?: string;
  contentType?: string;
  /** JSON regardless of Accept (token endpoint, webhooks, datasets). */
  alwaysJson?: boolean;
}

export function wantsJson(req: Pick<SandboxRequest, 'headers' | 'query'>): boolean {
  const accept = String(req.headers.accept ?? '');
  return accept.toLowerCase().includes('application/json') || (req.query.get('format') ?? '').toLowerCase() === 'json';
}

/** BambooHR puts error details in a header and leaves the body empty. */
export function errorReply(settings: RuntimeSettings, status: number, message: string, extra: Record<string, string> = {}): Reply {
  const headers: Record<string, string> = { ...extra };
  // Header values must be Latin-1: non-ASCII (e.g. a field name the client sent) is replaced.
  const safe = message.replace(/[^\x20-\x7e]/g, '?');
  for (const name of settings.errorHeaders) headers[name] = safe;
  return { status, headers, text: '' };
}

/** RFC 7807 body; v1.2 datasets declare application/problem+json, v2 declares application/json. */
export function problemReply(status: number, title: string, detail: string, code?: string, contentType = 'application/problem+json'): Reply {
  return {
    status,
    alwaysJson: true,
    contentType,
    json: { type: `https://httpstatuses.io/${status}`, title, status, detail, ...(code ? { code } : {}) },
  };
}

export function webhookErrorReply(status: number, message: string, issues?: string[]): Reply {
  return { status, alwaysJson: true, json: { errors: [{ error: message, ...(issues ? { issues } : {}) }] } };
}

export interface Encoded {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function encodeReply(reply: Reply, json: boolean): Encoded {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let body: Buffer;
  if (reply.text !== undefined) {
    body = Buffer.from(reply.text, 'utf8');
    if (body.length > 0) headers['content-type'] = reply.contentType ?? 'text/plain; charset=utf-8';
  } else if (reply.json !== undefined && (json || reply.alwaysJson)) {
    body = Buffer.from(JSON.stringify(reply.json), 'utf8');
    headers['content-type'] = reply.contentType ?? 'application/json; charset=utf-8';
  } else if (reply.json !== undefined || reply.xml) {
    const root = reply.xml ? reply.xml() : jsonToXml(reply.xmlRoot ?? 'result', reply.json);
    body = Buffer.from(renderXml(root), 'utf8');
    headers['content-type'] = 'text/xml; charset=utf-8';
  } else {
    body = Buffer.alloc(0);
  }
  return { status: reply.status, headers, body };
}

export async function writeEncoded(res: ServerResponse, encoded: Encoded, slowBodyMs: number): Promise<void> {
  if (slowBodyMs <= 0 || encoded.body.length === 0) {
    res.writeHead(encoded.status, { ...encoded.headers, 'content-length': String(encoded.body.length) });
    res.end(encoded.body);
    return;
  }
  // Slow body: headers now, the body in ten pieces spread over slowBodyMs.
  res.writeHead(encoded.status, encoded.headers);
  const pieces = 10;
  const size = Math.ceil(encoded.body.length / pieces);
  for (let i = 0; i < pieces && !res.destroyed; i++) {
    res.write(encoded.body.subarray(i * size, (i + 1) * size));
    await new Promise((r) => setTimeout(r, slowBodyMs / pieces));
  }
  res.end();
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

/** Reads at most maxBytes; past that, answers too-large and discards the rest so the client still gets the 413. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      resolve(result);
    };
    if (declared > maxBytes) {
      req.resume();
      finish({ ok: false, reason: 'too-large' });
      return;
    }
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        finish({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, body: Buffer.concat(chunks) }));
    req.on('error', () => finish({ ok: false, reason: 'aborted' }));
    req.on('aborted', () => finish({ ok: false, reason: 'aborted' }));
  });
}

/** Parses a JSON object body; undefined when it is not one. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function contentTypeOf(req: Pick<SandboxRequest, 'headers'>): string {
  return String(req.headers['content-type'] ?? '');
}
