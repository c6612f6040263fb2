// The console's page, script and style, read from the package (runtime/console/ui/) once and served
// from memory: no CDN, no build step, works offline at the customer's site.
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from './http-io.ts';

const UI_DIR = new URL('./ui/', import.meta.url);

/** The page's ES modules (type-checked in place, shipped as written: no build step). */
const MODULES = ['app.mjs', 'api.mjs', 'dom.mjs', 'chart.mjs', 'pages-ops.mjs', 'pages-records.mjs', 'pages-health.mjs'];

const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  ...Object.fromEntries(MODULES.map((file) => [`/${file}`, { file, type: 'text/javascript; charset=utf-8' }])),
};

const cache = new Map<string, Buffer>();

export const isAsset = (path: string): boolean => path in ASSETS;

export async function sendAsset(path: string, response: ServerResponse, head: boolean): Promise<void> {
  const asset = ASSETS[path];
  if (!asset) throw new Error(`not an asset: ${path}`);
  let body = cache.get(asset.file);
  if (!body) {
    body = await readFile(new URL(asset.file, UI_DIR));
    cache.set(asset.file, body);
  }
  response.writeHead(200, { 'content-type': asset.type, 'content-length': String(body.length), 'cache-control': 'no-cache', ...SECURITY_HEADERS });
  response.end(head ? undefined : body);
}
