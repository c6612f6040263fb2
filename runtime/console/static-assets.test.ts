import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAsset } from './static-assets.ts';

const UI = new URL('./ui/', import.meta.url);

describe('console assets', () => {
  it('serves every module of the page, and every module the page imports is served', () => {
    const files = readdirSync(UI).filter((f) => f.endsWith('.mjs'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      expect(isAsset(`/${file}`), file).toBe(true);
      const imports = [...readFileSync(new URL(file, UI), 'utf8').matchAll(/^import .* from '\.\/([^']+)';$/gm)].map((m) => m[1]);
      for (const imported of imports) expect(isAsset(`/${imported}`), `${file} imports ${imported}`).toBe(true);
    }
    const preloaded = [...readFileSync(new URL('index.html', UI), 'utf8').matchAll(/href="\/([^"]+\.mjs)"/g)].map((m) => m[1]);
    expect(preloaded.sort()).toEqual(files.filter((f) => f !== 'app.mjs').sort());
    expect(isAsset('/tsconfig.json')).toBe(false);
    expect(isAsset('/../api/types.ts')).toBe(false);
  });
});
