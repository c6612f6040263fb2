// Mapping tables as CSV, for integrators who keep them in a spreadsheet. Settings that YAML tables
// carry as keys sit in `# key: value` lines above the header row:
//
//   # name: departments
//   # segment: department
//   # default: 000
//   from,to,description,note
//   Warehouse,100,Warehouse,
//
// The result is the same document a YAML table gives, with positions, so every check is shared.
import { parseCsv, type CsvProblemKind } from '../lib/csv.ts';
import type { Position, YamlFile } from './yaml-file.ts';
import { parsePointer } from './diagnostic.ts';

interface Cell {
  text: string;
  line: number;
  col: number;
}

export interface CsvProblem extends Position {
  message: string;
  hint: string;
}

const PROBLEMS: Record<CsvProblemKind, (detail: string) => Omit<CsvProblem, 'line' | 'col'>> = {
  'unclosed-quote': () => ({ message: 'a quoted field opened here is never closed', hint: 'close it with a double quote; write a quote inside a quoted field as ""' }),
  'quote-spans-rows': () => ({ message: 'a quoted field opened here is not closed before the end of its row, so the rows below are read into it', hint: 'close it with a double quote on this row; write a quote inside a quoted field as ""' }),
  'text-after-quote': () => ({ message: 'text after a closing quote', hint: 'put the whole field inside the quotes, e.g. "York" PA → "York PA"; write a quote inside a quoted field as ""' }),
  other: (detail) => ({ message: detail, hint: 'mapping tables are RFC 4180 CSV: fields separated by commas, quoted with double quotes' }),
};

/** Rows of cells with their positions (`firstLine`: the file line `text` starts on), or what makes the text unreadable. */
export function parseCsvRows(text: string, firstLine: number): { rows: Cell[][] } | { problems: CsvProblem[] } {
  const at = (offset: number): Position => {
    const before = text.slice(0, offset);
    return { line: firstLine + (before.match(/\n/g)?.length ?? 0), col: offset - before.lastIndexOf('\n') };
  };
  const parsed = parseCsv(text);
  if (!parsed.ok) return { problems: [{ ...at(parsed.offset), ...PROBLEMS[parsed.kind](parsed.message) }] };
  const rows = parsed.records
    .map((fields) => fields.map((f) => ({ text: f.text, ...at(f.offset) })))
    .filter((cells) => cells.some((c) => c.text.trim() !== ''));
  const header = rows[0] ?? [];
  const only = header[0];
  if (header.length === 1 && only && /;/.test(only.text)) {
    return { problems: [{ line: only.line, col: only.col + only.text.indexOf(';'), message: 'the fields are separated by semicolons; mapping tables use commas', hint: "save or export it as CSV with commas (in a spreadsheet: 'CSV UTF-8 (comma delimited)')" }] };
  }
  const problems = rows.slice(1).flatMap((cells): CsvProblem[] => {
    if (cells.length === header.length) return [];
    const extra = cells[header.length];
    const last = cells[cells.length - 1] as Cell;
    const where = extra ? { line: extra.line, col: extra.col } : { line: last.line, col: last.col + last.text.length };
    return [{ ...where, message: `this row has ${cells.length} fields; the header has ${header.length} (${header.map((c) => c.text.trim()).join(',')})`, hint: extra ? 'quote a field that holds a comma, or remove the extra field' : 'add the missing fields (they may be empty: a,b,,)' }];
  });
  return problems.length > 0 ? { problems } : { rows };
}

const SETTINGS: Record<string, (doc: Record<string, unknown>, value: string) => void> = {
  name: (doc, v) => (doc.name = v),
  description: (doc, v) => (doc.description = v),
  segment: (doc, v) => (doc.target = { segment: v }),
  default: (doc, v) => (doc.default = v),
  caseSensitive: (doc, v) => (doc.caseSensitive = v === 'true' ? true : v === 'false' ? false : v),
};

/**
 * Reads a CSV mapping table into the document a YAML table would give, positions included; or what
 * makes it unreadable (a quote never closed, text after a closing quote, a row of the wrong width).
 */
export function csvTableDocument(file: string, text: string): YamlFile | { problems: CsvProblem[] } {
  const doc: Record<string, unknown> = {};
  const positions = new Map<string, Position>();
  const lines = text.split('\n');
  let index = 0;
  for (; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    if (raw.trim() === '') continue;
    const setting = /^#\s*([A-Za-z]+)\s*:\s*(.*?)\s*$/.exec(raw);
    if (!raw.startsWith('#')) break;
    if (!setting) continue; // a plain comment
    const [, key = '', value = ''] = setting;
    const apply = SETTINGS[key];
    if (apply) apply(doc, value);
    else doc[key] = value; // left for the schema check to name as unknown, with a suggestion
    positions.set(key === 'segment' ? '/target/segment' : `/${key}`, { line: index + 1, col: raw.indexOf(key) + 1 });
    if (key === 'segment') positions.set('/target', { line: index + 1, col: 1 });
  }
  const parsed = parseCsvRows(lines.slice(index).join('\n'), index + 1);
  if ('problems' in parsed) return parsed;
  const rows = parsed.rows;
  const header = rows.shift() ?? [];
  const names = header.map((c) => c.text.trim());
  doc.rows = rows.map((cells, r) => {
    const row: Record<string, unknown> = {};
    positions.set(`/rows/${r}`, { line: cells[0]?.line ?? 1, col: 1 });
    names.forEach((name, c) => {
      const cell = cells[c];
      if (!name || !cell || (cell.text === '' && name !== 'from' && name !== 'to')) return;
      row[name] = cell.text.trim();
      positions.set(`/rows/${r}/${name}`, { line: cell.line, col: cell.col });
    });
    return row;
  });
  positions.set('/rows', { line: header[0]?.line ?? 1, col: 1 });
  const locate = (pointer: string): Position => {
    let segments = parsePointer(pointer);
    while (segments.length > 0) {
      const found = positions.get(`/${segments.join('/')}`);
      if (found) return found;
      segments = segments.slice(0, -1);
    }
    return { line: 1, col: 1 };
  };
  return { file, text, value: doc, locate, locateInString: (pointer) => locate(pointer) };
}
