import { lstat, readFile, stat } from 'node:fs/promises';
import type { Diagnostic, Phase } from './diagnostic.ts';

/** Pipelines, mapping tables and JSONata files are small; anything bigger is a mistake or an attack. */
export const MAX_FILE_BYTES = 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

function fileDiagnostic(file: string, phase: Phase, code: Diagnostic['code'], message: string, hint?: string): ReadResult {
  return { ok: false, diagnostic: { code, phase, file, line: 1, col: 1, path: '', message, ...(hint ? { hint } : {}) } };
}

async function isSymbolicLink(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Reads a UTF-8 text file, refusing oversized, binary and mis-encoded files before parsing anything. */
export async function readTextFile(file: string, phase: Phase, displayName = file): Promise<ReadResult> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return fileDiagnostic(displayName, phase, 'MLC_FILE_UNREADABLE', 'is not a regular file');
    size = info.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && (await isSymbolicLink(file))) return fileDiagnostic(displayName, phase, 'MLC_FILE_UNREADABLE', 'is a symbolic link to a file that does not exist');
    return fileDiagnostic(displayName, phase, 'MLC_FILE_UNREADABLE', code === 'ENOENT' ? 'file does not exist' : `cannot be read (${code ?? 'error'})`);
  }
  // Checked before reading so a 50 MB file costs a stat, not 50 MB of memory.
  if (size > MAX_FILE_BYTES) {
    return fileDiagnostic(displayName, phase, 'MLC_FILE_TOO_LARGE', `is ${size} bytes; the limit is ${MAX_FILE_BYTES} bytes`, 'split it, or check that the right file is named');
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return fileDiagnostic(displayName, phase, 'MLC_FILE_UNREADABLE', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (looksUtf16(bytes)) return fileDiagnostic(displayName, phase, 'MLC_FILE_NOT_TEXT', 'is UTF-16 text; files are read as UTF-8', 'save it as UTF-8 (in most editors: Save with Encoding → UTF-8)');
  const nul = bytes.indexOf(0);
  if (nul >= 0) return fileDiagnostic(displayName, phase, 'MLC_FILE_NOT_TEXT', `is binary (NUL byte at offset ${nul})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fileDiagnostic(displayName, phase, 'MLC_FILE_NOT_TEXT', 'is not valid UTF-8', 'save it as UTF-8');
  }
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

/** A UTF-16 byte-order mark, or (without one) text whose every other byte is NUL, as editors on Windows write it. */
function looksUtf16(bytes: Buffer): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return true;
  const sample = bytes.subarray(0, 512);
  if (sample.length < 8) return false;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 === 0 ? evenNul++ : oddNul++;
  const half = sample.length / 2;
  return evenNul > half * 0.9 || oddNul > half * 0.9;
}
