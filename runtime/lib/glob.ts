// The one module that imports tinyglobby: expands the quoted globs users pass to `validate`
// ('pipelines/**/*.yaml'), the same on every shell and on Windows.
import { glob, isDynamicPattern } from 'tinyglobby';

export const isGlob = (pattern: string): boolean => isDynamicPattern(pattern);

/** Absolute paths of the files matching `pattern` below `cwd`; links to directories are not followed. */
export function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  return glob(pattern, { cwd, absolute: true, onlyFiles: true, followSymbolicLinks: false, ignore: ['**/node_modules/**', '**/.git/**'], expandDirectories: false });
}
