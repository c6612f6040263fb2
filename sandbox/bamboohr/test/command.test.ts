// The CLI command: prints one JSON line with usable credentials, serves until stopped, closes cleanly.
import { describe, expect, it } from 'vitest';
import { httpRequest } from '../../../runtime/lib/http-client.ts';
import { bamboohrSandboxCommand } from '../command.ts';
import { UsageError, type CliIo } from '../../../runtime/cli/command.ts';

function io(stop: AbortController, out: string[]): CliIo {
  return { stdout: (t) => out.push(t), stderr: () => undefined, env: { LOG_LEVEL: 'silent' }, cwd: process.cwd(), stopSignal: stop.signal };
}

describe('ml-connector sandbox bamboohr', () => {
  it('prints one JSON line whose credentials work, then stops on the signal', async () => {
    const stop = new AbortController();
    const out: string[] = [];
    process.env.LOG_LEVEL = 'silent';
    const running = bamboohrSandboxCommand.run(['--port', '0', '--employees', '30', '--company', 'granite:5', '--throttle', '503:1:asctime'], io(stop, out));
    for (let i = 0; i < 100 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(out).toHaveLength(1);
    const info = JSON.parse(out[0]!) as { apiBaseUrl: string; apiKey: string; clientId: string; clientSecret: string; redirectUri: string; companies: string[] };
    expect(info).toMatchObject({ clientId: 'keystone-sandbox-client', redirectUri: expect.stringMatching(/^http/), companies: ['keystone', 'granite'] });
    const res = await httpRequest(`${info.apiBaseUrl}/employees/1`, { headers: { authorization: `Basic ${Buffer.from(`${info.apiKey}:x`).toString('base64')}`, accept: 'application/json' } });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/GMT$|\d{4}$/);
    stop.abort();
    expect(await running).toBe(0);
  });

  it('refuses bad options as usage errors', async () => {
    const stop = new AbortController();
    await expect(bamboohrSandboxCommand.run(['--throttle', 'soon'], io(stop, []))).rejects.toThrow(UsageError);
    await expect(bamboohrSandboxCommand.run(['--error-rate', '2'], io(stop, []))).rejects.toThrow(UsageError);
  });
});
