import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/**
 * Every file below the given paths whose name passes `accept`; named files are kept whatever their
 * name. Walking does not follow symbolic links to directories (a link to `.` would never end); a
 * matching link whose target is missing is kept as a file, so the check reports it as unreadable.
 */
export async function collectFiles(paths: readonly string[], accept: (name: string) => boolean): Promise<{ files: string[]; missing: string[]; named: Set<string> }> {
  const files: string[] = [];
  const named = new Set<string>();
  const missing: string[] = [];
  const visit = async (path: string, isNamed: boolean): Promise<void> => {
    let info;
    try {
      info = await stat(path);
    } catch {
      if (isNamed) missing.push(path);
      else files.push(path); // a dangling link found by walking: reported against the file, not the command line
      return;
    }
    if (info.isDirectory()) {
      if (!isNamed && (await lstat(path)).isSymbolicLink()) return;
      const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (entry.isDirectory() && (SKIPPED_DIRECTORIES.has(entry.name) || entry.name.startsWith('.'))) continue;
        if (entry.isDirectory() || accept(entry.name)) await visit(join(path, entry.name), false);
      }
    } else if (isNamed || accept(path)) {
      files.push(path);
      if (isNamed) named.add(path);
    }
  };
  for (const path of paths) await visit(path, true);
  return { files: [...new Set(files)], missing, named };
}
