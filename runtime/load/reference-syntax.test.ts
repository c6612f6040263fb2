// `${secret:…}` is defined once: every JSON schema that spells the secret pattern spells this one.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SECRET_REFERENCE_PATTERN, containsEnvReference, substituteEnv, unclosedReference } from './reference-syntax.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function secretPatterns(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(secretPatterns);
  if (typeof node !== 'object' || node === null) return [];
  const own = typeof (node as { pattern?: unknown }).pattern === 'string' && String((node as { pattern: string }).pattern).includes('secret:') ? [(node as { pattern: string }).pattern] : [];
  return [...own, ...Object.values(node).flatMap(secretPatterns)];
}

describe('reference syntax', () => {
  it('every schema spells the secret pattern exactly as this module does', () => {
    const schemas = [
      ...readdirSync(join(root, 'schema')).filter((f) => f.endsWith('.json')).map((f) => join(root, 'schema', f)),
      ...readdirSync(join(root, 'connectors'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(root, 'connectors', d.name, 'config.schema.json')),
    ];
    const patterns = schemas.flatMap((file) => secretPatterns(JSON.parse(readFileSync(file, 'utf8'))));
    expect(patterns.length).toBeGreaterThan(5);
    expect(new Set(patterns)).toEqual(new Set([SECRET_REFERENCE_PATTERN]));
  });

  it('substitutes set variables and lists the unset ones', () => {
    expect(substituteEnv('https://${env:HOST}:${env:PORT}', { HOST: 'h' })).toEqual({ value: 'https://h:${env:PORT}', names: ['HOST', 'PORT'], unset: ['PORT'] });
    expect(containsEnvReference('${env:X}')).toBe(true);
    expect(containsEnvReference('${secret:x}')).toBe(false);
  });

  it('finds a reference with no closing brace', () => {
    expect(unclosedReference('${secret:x')).toBe('${secret:x');
    expect(unclosedReference('${secret:x}')).toBeUndefined();
  });
});
