import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';

describe('parseCsv', () => {
  it('gives each field with the offset it starts at, quoted commas, quotes and newlines included', () => {
    const text = 'from,to\n\n"a, ""b""",c\nd,"e\nf"\n';
    const parsed = parseCsv(text);
    expect(parsed).toEqual({
      ok: true,
      records: [
        [{ text: 'from', offset: 0 }, { text: 'to', offset: 5 }],
        [{ text: 'a, "b"', offset: 9 }, { text: 'c', offset: 20 }],
        [{ text: 'd', offset: 22 }, { text: 'e\nf', offset: 24 }],
      ],
    });
  });

  it.each([
    ['a quote never closed', 'from,to\na,"b\n', 'unclosed-quote', 10],
    ['a quote that closes on a later row (two rows merged)', 'from,to\n"York, PA,03\n"Reading",04\n', 'quote-spans-rows', 8],
    ['text after a closing quote', 'from,to\n"York" PA,03\n', 'text-after-quote', 14],
  ])('locates %s', (_name, text, kind, offset) => {
    expect(parseCsv(text)).toMatchObject({ ok: false, kind, offset });
  });
});
