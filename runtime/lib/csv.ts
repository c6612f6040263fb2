// The one module that wraps csv-parse (RFC 4180). It parses; this module adds what a person needs to
// fix a file: the character offset of every field, and of the character that broke the parse.
import { parse } from 'csv-parse/sync';

export interface CsvField {
  text: string;
  /** Offset of the field's first character (its opening quote, when quoted) in the parsed text. */
  offset: number;
}

export type CsvProblemKind = 'unclosed-quote' | 'quote-spans-rows' | 'text-after-quote' | 'other';

export type CsvParse = { ok: true; records: CsvField[][] } | { ok: false; kind: CsvProblemKind; offset: number; message: string };

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { bytes: number };
}

interface CsvParseError {
  code?: string;
  message?: string;
}

/** `text` must use \n line ends (offsets are into it). Empty lines are skipped; every row may have any number of fields. */
export function parseCsv(text: string): CsvParse {
  let parsed: ParsedRecord[];
  // Where the last good record ended: the record that fails starts there (csv-parse's error offsets vary by error).
  let lastEnd = 0;
  try {
    parsed = parse(text, {
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record, context) => {
        lastEnd = context.bytes;
        return record;
      },
    }) as unknown as ParsedRecord[];
  } catch (error) {
    return explain(text, lastEnd, error as CsvParseError);
  }
  const records: CsvField[][] = [];
  let start = 0;
  for (const { record, raw, info } of parsed) {
    const leading = /^\n*/.exec(raw)?.[0].length ?? 0;
    const offsets = fieldOffsets(text, start + leading, record.length);
    records.push(record.map((value, i) => ({ text: value, offset: offsets[i] ?? start + leading })));
    start = info.bytes;
  }
  return { ok: true, records };
}

/** Where each of a valid record's fields starts: a comma outside quotes ends a field. */
function fieldOffsets(text: string, start: number, count: number): number[] {
  const offsets = [start];
  let quoted = false;
  for (let i = start; offsets.length < count && i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) offsets.push(i + 1);
  }
  return offsets;
}

/** Finds, in the record csv-parse failed on, the quoted field that broke it and says how. */
function explain(text: string, lastEnd: number, error: CsvParseError): CsvParse {
  const recordStart = lastEnd + (/^\n*/.exec(text.slice(lastEnd))?.[0].length ?? 0);
  if (error.code !== 'CSV_QUOTE_NOT_CLOSED' && error.code !== 'CSV_INVALID_CLOSING_QUOTE') {
    return { ok: false, kind: 'other', offset: recordStart, message: error.message ?? 'malformed CSV' };
  }
  let fieldStart = true;
  for (let i = recordStart; i < text.length; i++) {
    const c = text[i];
    if (fieldStart && c === '"') {
      const close = closingQuote(text, i + 1);
      if (close < 0) return { ok: false, kind: 'unclosed-quote', offset: i, message: 'never closed' };
      if (text.slice(i, close).includes('\n') && error.code === 'CSV_INVALID_CLOSING_QUOTE') return { ok: false, kind: 'quote-spans-rows', offset: i, message: 'not closed before the end of its row' };
      const after = text[close + 1];
      if (after !== undefined && after !== ',' && after !== '\n') return { ok: false, kind: 'text-after-quote', offset: close + 1, message: 'text after a closing quote' };
      i = close;
      fieldStart = false;
      continue;
    }
    if (c === '\n') break;
    fieldStart = c === ',';
  }
  return { ok: false, kind: 'other', offset: recordStart, message: error.message ?? 'malformed CSV' };
}

/** Offset of the quote that closes a quoted field whose content starts at `from` ("" is an escaped quote); -1 if none. */
function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] !== '"') continue;
    if (text[i + 1] === '"') {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}
