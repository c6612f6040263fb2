// Which version of the pipeline produced an audit record: the git commit when the files are in git
// (with "+dirty" when they differ from it), and always a digest of the pipeline and the mapping and
// JSONata files it uses, so a record can be traced to the exact files even outside git.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { digest } from '../util/canonical-json.ts';

export function pipelineVersion(pipelinePath: string, referencedPaths: readonly string[]): string {
  const files = [pipelinePath, ...[...new Set(referencedPaths)].sort()];
  const sha = digest(...files.map((f) => readFileSync(f, 'utf8'))).slice(0, 12);
  const commit = gitCommit(dirname(pipelinePath), files);
  return commit ? `${commit} sha256:${sha}` : `sha256:${sha}`;
}

function gitCommit(cwd: string, files: readonly string[]): string | undefined {
  try {
    const options = { cwd, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'], timeout: 5000 };
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], options).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', ...files], options).trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return undefined;
  }
}
