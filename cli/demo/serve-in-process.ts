// `serve` inside the demo's process: the real command on the demo's pipelines folder, stopped by the
// user's Ctrl-C or by the demo itself (--once). Its ready line (one JSON object) gives the URL.
import type { CliIo } from '../../runtime/cli/command.ts';
import type { ConnectorRegistry } from '../../runtime/connectors/registry.ts';
import type { DemoLayout } from './demo-pipeline.ts';

export interface ServeHandle {
  url: string;
  /** Resolves with serve's exit code once it has stopped. */
  done: Promise<number>;
  stop(): Promise<number>;
}

export async function runServe(registry: ConnectorRegistry, layout: DemoLayout, port: number, io: CliIo): Promise<ServeHandle> {
  const { serveCommand } = await import('../../runtime/cli/serve-command.ts');
  const stopper = new AbortController();
  const onUserStop = () => stopper.abort();
  io.stopSignal.addEventListener('abort', onUserStop, { once: true });
  let announce: (url: string) => void = () => {};
  const ready = new Promise<string>((resolve) => (announce = resolve));
  const serveIo: CliIo = {
    ...io,
    stopSignal: stopper.signal,
    stdout: (text) => {
      const line = text.trim();
      if (line.startsWith('{')) {
        const parsed = JSON.parse(line) as { url?: string };
        if (parsed.url) announce(parsed.url);
      } else io.stdout(text);
    },
  };
  const done = serveCommand(registry)
    .run([layout.pipelinesDir, '--port', String(port), '--shutdown-grace-ms', '5000'], serveIo)
    .finally(() => io.stopSignal.removeEventListener('abort', onUserStop));
  const url = await Promise.race([ready, done.then((code) => Promise.reject(new Error(`serve stopped before it was ready (exit ${code})`)))]);
  return {
    url,
    done,
    stop: () => {
      stopper.abort();
      return done;
    },
  };
}
