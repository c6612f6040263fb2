// A webhook sender over plain node:http for the receiver check: header names go on the wire exactly as
// given (casing, repeats), and a body can be declared larger than what is sent, or streamed until the
// receiver answers, so an oversized delivery shows whether it was refused before being read.
import { request } from 'node:http';

export interface Answer {
  status: number;
  body: string;
  /** Body bytes the sender had written when the answer's head arrived. */
  bytesSentBeforeAnswer: number;
}

export interface SendOptions {
  method?: string;
  /** Raw header pairs, sent in this order and casing (a name may repeat). */
  headers: [string, string][];
  body?: Buffer;
  /** Declare this Content-Length but send only `body` (a client that promises more than it sends). */
  declaredLength?: number;
  /** Stream `streamBytes` of filler with chunked encoding instead of `body`, stopping once answered. */
  streamBytes?: number;
}

const CHUNK = Buffer.alloc(256 * 1024, 0x20);

export function send(url: string, options: SendOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    // With raw headers Node adds none of its own, not even Host (which HTTP/1.1 requires).
    const raw: string[] = ['Host', new URL(url).host, ...options.headers.flat()];
    if (options.declaredLength !== undefined) raw.push('Content-Length', String(options.declaredLength));
    else if (options.streamBytes === undefined) raw.push('Content-Length', String(options.body?.length ?? 0));
    const req = request(url, { method: options.method ?? 'POST', headers: raw, agent: false }, (res) => {
      answered = true;
      const head = { status: res.statusCode ?? 0, bytesSentBeforeAnswer: sent };
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ ...head, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ ...head, body: Buffer.concat(chunks).toString('utf8') }));
    });
    // After an early answer the receiver may close while we still write: that is the point, not a failure.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    if (options.streamBytes !== undefined) {
      const total = options.streamBytes;
      const pump = (): void => {
        while (!answered && sent < total) {
          sent += CHUNK.length;
          if (!req.write(CHUNK)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
      return;
    }
    if (options.body) {
      sent = options.body.length;
      req.write(options.body);
    }
    // A declared-but-unsent remainder is never written: the request stays open until the receiver answers.
    if (options.declaredLength === undefined) req.end();
  });
}
