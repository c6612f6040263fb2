// The container image without a container engine: every COPY source exists; the packed package installs
// with the lockfile's production dependencies only (`npm ci --omit=dev`, as the image does); and the
// image's entrypoint command, with the image's environment and only user-writable paths (the install
// read-only, as /app is for user `node`), serves: its HEALTHCHECK command passes and SIGTERM exits 0.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/util/free-port.ts';
import { repoRoot } from '../support/cli.ts';
import { packTarball } from '../support/packed-install.ts';
import { execForm, last, readDockerfile, stageEnv, type Stage } from './dockerfile.ts';

const stages = readDockerfile(repoRoot);
const image = stages.at(-1) as Stage;

describe('the Dockerfile', () => {
  it('copies only files that exist', () => {
    const sources = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.filter((s) => !existsSync(join(repoRoot, s)))).toEqual([]);
  });

  it('runs serve by default as a non-root user, with a healthcheck and the config and state volumes', () => {
    expect(last(image, 'USER')).toBe('node');
    expect([...execForm(last(image, 'ENTRYPOINT') ?? '[]'), ...execForm(last(image, 'CMD') ?? '[]')]).toEqual(['ml-connector', 'serve', 'pipelines', '--host', '0.0.0.0', '--port', '8080']);
    expect(execForm(last(image, 'VOLUME') ?? '[]')).toEqual(['/config', '/data']);
    expect(last(image, 'WORKDIR')).toBe('/config');
    expect(stageEnv(image).ML_CONNECTOR_DATA).toBe('/data');
    expect(last(image, 'HEALTHCHECK')).toMatch(/CMD \["node", "-e", .*\/healthz/);
  });
});

describe('the image entrypoint, without a container engine', () => {
  let work: string;
  let app: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'mlc-image-'));
    const tarball = packTarball(work);
    app = join(work, 'app');
    mkdirSync(app);
    // As the image's second stage: the packed files, our lockfile, production dependencies only.
    execFileSync('tar', ['xzf', tarball, '-C', app, '--strip-components=1']);
    cpSync(join(repoRoot, 'package-lock.json'), join(app, 'package-lock.json'));
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, env: { ...process.env, npm_config_update_notifier: 'false' } });
    chmodSync(app, 0o555);
  }, 240_000);
  afterAll(() => {
    if (app && existsSync(app)) chmodSync(app, 0o755);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs no development dependency', () => {
    expect(existsSync(join(app, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
  });

  it('serves: the HEALTHCHECK command passes, and SIGTERM stops it with exit 0', async () => {
    // The image's paths, mapped: /config (the integrator's repository, read-only) and /data (writable).
    const config = join(work, 'config');
    const data = join(work, 'data');
    cpSync(join(repoRoot, 'pipelines'), join(config, 'pipelines'), { recursive: true });
    cpSync(join(repoRoot, 'mappings'), join(config, 'mappings'), { recursive: true });
    mkdirSync(data);
    const port = String(await freePort());
    // The example's secrets as a deployment gives them (environment variables); nothing is contacted
    // until a trigger fires, so placeholders do.
    const secrets = Object.fromEntries(['BAMBOOHR_CLIENT_SECRET', 'BAMBOOHR_REFRESH_TOKEN', 'BAMBOOHR_WEBHOOK_KEY', 'SAGE_AGENT_CA', 'SAGE_AGENT_KEY'].map((n) => [`ML_CONNECTOR_SECRET_${n}`, 'placeholder']));
    const env = { ...stageEnv(image), ...secrets, ML_CONNECTOR_DATA: data, PATH: process.env.PATH, HOME: join(work, 'no-home') };
    // Tests listen on loopback only: --host 0.0.0.0 becomes 127.0.0.1, the fixed port a free one.
    const [, ...args] = [...execForm(last(image, 'ENTRYPOINT') ?? '[]'), ...execForm(last(image, 'CMD') ?? '[]')].map((a) => (a === '0.0.0.0' ? '127.0.0.1' : a === '8080' ? port : a));
    const child = spawn(process.execPath, [join(app, 'bin', 'ml-connector.mjs'), ...args], { cwd: config, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString('utf8');
        if (stdout.includes('"url"')) resolve();
      });
      child.on('close', () => resolve());
    });
    expect(stdout, stderr).toContain(`"url":"http://127.0.0.1:${port}"`);
    const health = execForm((last(image, 'HEALTHCHECK') ?? '').replace(/^.*?CMD /, '')).map((a) => a.replace(':8080/', `:${port}/`));
    const check = spawn(health[0] === 'node' ? process.execPath : (health[0] as string), health.slice(1), { env });
    expect(await new Promise((resolve) => check.on('close', resolve))).toBe(0);
    child.kill('SIGTERM');
    const code = await exited;
    clearTimeout(killer);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});
