// Packs the package as `npm publish` would (prepack compiles it) and installs the tarball into a
// fresh project, offline: only the npm registry is reachable and tests must not depend on it, so the
// project gets a lockfile made from ours (the same dependency versions, already in npm's cache).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.ts';

/** What `npm pack` needs from a checkout; copied so that building does not touch the working tree. */
const PACKED_SOURCES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'bin', 'cli', 'runtime', 'connectors', 'sandbox', 'agent', 'schema', 'templates', 'pipelines', 'mappings', 'LICENSE', 'README.md'];

interface LockEntry {
  dev?: boolean;
  link?: boolean;
  [key: string]: unknown;
}

export interface PackedInstall {
  tarball: string;
  /** The installed project; its node_modules/.bin/ml-connector is the CLI. */
  project: string;
  bin: string;
}

const npm = (args: string[], cwd: string): string => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

/** `npm pack` of a copy of the checkout; returns the tarball's path (in `work`). */
export function packTarball(work: string): string {
  const source = join(work, 'source');
  mkdirSync(source, { recursive: true });
  for (const entry of PACKED_SOURCES) cpSync(join(repoRoot, entry), join(source, entry), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(source, 'node_modules'), 'dir');
  npm(['pack', '--pack-destination', work], source);
  const tarballName = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarballName) throw new Error(`npm pack left no tarball in ${work}`);
  return join(work, tarballName);
}

export function packAndInstall(work: string): PackedInstall {
  const tarball = packTarball(work);
  const tarballName = tarball.slice(work.length + 1);
  const project = join(work, 'project');
  mkdirSync(project);
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown> & { name: string };
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:../${tarballName}`;
  const packages: Record<string, unknown> = {
    '': { name: 'project', dependencies: { [manifest.name]: spec } },
    [`node_modules/${manifest.name}`]: { version: manifest.version, resolved: spec, license: manifest.license, dependencies: manifest.dependencies, bin: manifest.bin, engines: manifest.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path.startsWith('node_modules/') && !entry.dev && !entry.link) packages[path] = entry;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'project', private: true, dependencies: { [manifest.name]: spec } }));
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ name: 'project', lockfileVersion: 3, requires: true, packages }));
  npm(['ci', '--offline'], project);
  return { tarball, project, bin: join(project, 'node_modules', '.bin', manifest.name) };
}
