// The JSON Schemas are the source of truth; the generated TypeScript types must match them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED, generate } from '../../scripts/generate-types.ts';
import { repoRoot } from '../support/cli.ts';

describe('generated types', () => {
  it.each(GENERATED.map((g) => [g.output, g] as const))('%s is up to date (run npm run generate)', async (_output, entry) => {
    expect(readFileSync(join(repoRoot, entry.output), 'utf8')).toBe(await generate(entry));
  });
});
