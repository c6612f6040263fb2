// validate-200: wall time to validate 200 pipeline files in one `ml-connector validate` process,
// start-up included, against the same process doing nothing (`--help`) in the same run. Median of 3.
// Beside them, the start-up and the same validation of the installed package (packed, compiled to
// JavaScript, installed from the tarball): what an integrator's CI pays.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packAndInstall } from '../test/support/packed-install.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const FILES = 200;
const RUNS = 3;

function timed(args: string[], cwd: string, bin = join(root, 'bin/ml-connector.mjs')): { ms: number; status: number | null } {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, status: result.status };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const dir = mkdtempSync(join(tmpdir(), 'mlc-bench-validate-'));
try {
  cpSync(join(root, 'mappings'), join(dir, 'mappings'), { recursive: true });
  mkdirSync(join(dir, 'pipelines'));
  const example = readFileSync(join(root, 'pipelines/keystone-bamboohr-to-sage100.yaml'), 'utf8');
  // Names and webhook paths differ: validate refuses two pipelines of one folder sharing either.
  for (let i = 0; i < FILES; i++) {
    writeFileSync(join(dir, 'pipelines', `p${String(i).padStart(3, '0')}.yaml`), example.replace('name: keystone-bamboohr-to-sage100', `name: keystone-${i}`).replace('/hooks/keystone/bamboohr', `/hooks/keystone-${i}/bamboohr`));
  }
  const installed = realpathSync(packAndInstall(join(dir, 'package')).bin);
  const validate: number[] = [];
  const startup: number[] = [];
  const installedValidate: number[] = [];
  const installedStartup: number[] = [];
  // Node itself starting with nothing to do: the floor under every start-up figure on a loaded machine.
  const bareNode: number[] = [];
  let status: number | null = 0;
  let installedStatus: number | null = 0;
  for (let run = 0; run < RUNS; run++) {
    startup.push(timed(['--help'], dir).ms);
    installedStartup.push(timed(['--help'], dir, installed).ms);
    bareNode.push(timed([''], dir, '-e').ms); // node -e ''
    const result = timed(['validate', '--offline', 'pipelines'], dir);
    validate.push(result.ms);
    status = result.status;
    const fromPackage = timed(['validate', '--offline', 'pipelines'], dir, installed);
    installedValidate.push(fromPackage.ms);
    installedStatus = fromPackage.status;
  }
  const wallMs = median(validate);
  const startupMs = median(startup);
  const installedStartupMs = median(installedStartup);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'validate-200',
      files: FILES,
      exitCode: status,
      wallMs: Math.round(wallMs),
      startupMs: Math.round(startupMs),
      perFileMs: Number(((wallMs - startupMs) / FILES).toFixed(2)),
      wallOverStartup: Number((wallMs / startupMs).toFixed(2)),
      targetMs: 2000,
      withinTarget: wallMs < 2000,
      installedExitCode: installedStatus,
      installedWallMs: Math.round(median(installedValidate)),
      installedStartupMs: Math.round(installedStartupMs),
      installedStartupTargetMs: 150,
      installedStartupWithinTarget: installedStartupMs < 150,
      bareNodeMs: Math.round(median(bareNode)),
      installedOverBareNode: Number((installedStartupMs / median(bareNode)).toFixed(2)),
      devOverInstalledStartup: Number((startupMs / installedStartupMs).toFixed(2)),
    })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
