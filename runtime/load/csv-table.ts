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
import type { Position, YamlFile } from './yaml-file.ts';
import { parsePointer } from './diagnostic.ts';

interface Cell {
  text: string;
  line: number;
  col: number;
}

/** RFC 4180 fields with the position each starts at; quoted fields may hold commas, quotes and newlines. */
export function parseCsvRows(text: string, firstLine: number): { rows: Cell[][]; unterminated?: Position } {
  const rows: Cell[][] = [];
  let unterminated: Position | undefined;
  let row: Cell[] = [];
  let line = firstLine;
  let col = 1;
  let i = 0;
  const atRowEnd = (): boolean => i >= text.length || text[i] === '\n' || text[i] === '\r';
  while (i < text.length) {
    const start = { line, col };
    let value = '';
    if (text[i] === '"') {
      i++;
      col++;
      unterminated = start;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') {
          value += '"';
          i += 2;
          col += 2;
        } else if (text[i] === '"') {
          i++;
          col++;
          unterminated = undefined;
          break;
        } else {
          if (text[i] === '\n') {
            line++;
            col = 0;
          }
          value += text[i];
          i++;
          col++;
        }
      }
    }
    while (!atRowEnd() && text[i] !== ',') {
      value += text[i];
      i++;
      col++;
    }
    row.push({ text: value, ...start });
    if (text[i] === ',') {
      i++;
      col++;
      continue;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    if (row.some((c) => c.text.trim() !== '')) rows.push(row);
    row = [];
    line++;
    col = 1;
  }
  if (row.some((c) => c.text.trim() !== '')) rows.push(row);
  return { rows, ...(unterminated ? { unterminated } : {}) };
}

const SETTINGS: Record<string, (doc: Record<string, unknown>, value: string) => void> = {
  name: (doc, v) => (doc.name = v),
  description: (doc, v) => (doc.description = v),
  segment: (doc, v) => (doc.target = { segment: v }),
  default: (doc, v) => (doc.default = v),
  caseSensitive: (doc, v) => (doc.caseSensitive = v === 'true' ? true : v === 'false' ? false : v),
};

/**
 * Reads a CSV mapping table into the document a YAML table would give, positions included; or, when
 * a quoted field is never closed (which would swallow the rest of the file), where it opens.
 */
export function csvTableDocument(file: string, text: string): YamlFile | { unterminated: Position } {
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
  const { rows, unterminated } = parseCsvRows(lines.slice(index).join('\n'), index + 1);
  if (unterminated) return { unterminated };
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
