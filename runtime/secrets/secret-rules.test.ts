import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SECRET_NAME_PATTERN, secretEnvName, secretValueFromBytes } from './secret-rules.ts';

describe('secret rules', () => {
  it('names follow the same rule as ${secret:name} in every schema', () => {
    const expected = `^\\$\\{secret:${SECRET_NAME_PATTERN.source.slice(1, -1)}\\}$`;
    const files = ['schema/pipeline.schema.json', 'connectors/bamboohr-source/config.schema.json', 'connectors/sage100-agent-sink/config.schema.json'];
    const patterns = files.flatMap((f) => [...readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8').matchAll(/"pattern": "(\^\\\\\$\\\\\{secret:[^"]*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string));
    expect(patterns.length).toBeGreaterThan(3);
    expect(new Set(patterns)).toEqual(new Set([expected]));
  });

  it('maps a name to its environment variable', () => {
    expect(secretEnvName('bamboohr-client.secret')).toBe('ML_CONNECTOR_SECRET_BAMBOOHR_CLIENT_SECRET');
  });

  it.each([
    ['value\n', 'value'],
    ['value\r\n', 'value'],
    ['value\n\n', 'value\n'],
    ['  spaced  ', '  spaced  '],
  ])('reads %j as %j (one trailing newline dropped, nothing else)', (text, value) => {
    expect(secretValueFromBytes(Buffer.from(text))).toEqual({ value });
  });

  it('has no value for empty, newline-only, non-UTF-8 or oversized input', () => {
    for (const bytes of [Buffer.from(''), Buffer.from('\n'), Buffer.from([0xc3, 0x28]), Buffer.alloc(64 * 1024 + 1, 0x61)]) {
      expect('problem' in secretValueFromBytes(bytes)).toBe(true);
    }
  });
});
