// Notices that the files of the served pipelines changed. fs.watch is the fast path but is unreliable
// on some mounts (network shares, some container volumes miss events), so a periodic content hash is
// the fallback — and the judge: an event only triggers an early hash check, and only a hash that
// differs from the last one seen calls onChange. Bursts of events (an editor writing a file in three
// steps, a git checkout) are debounced into one check.
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface FileWatchOptions {
  /** The files whose content decides whether anything changed (re-listed at every check). */
  files(): Promise<readonly string[]>;
  /** Directories to watch besides those of the files (the pipelines folder, for a new file). */
  dirs: readonly string[];
  onChange(): Promise<void>;
  debounceMs?: number;
  pollMs?: number;
  /** Replaceable for tests; fs.watch by default. */
  watchDir?(dir: string, listener: () => void): { close(): void };
  onError?(error: unknown): void;
}

export interface FileWatch {
  /** Hashes now and calls onChange when the hash moved; resolves when done. */
  check(): Promise<boolean>;
  stop(): void;
}

export async function contentHash(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(file).update('\0');
    hash.update(await readFile(file).catch(() => Buffer.from('\0missing\0'))).update('\0');
  }
  return hash.digest('hex');
}

function defaultWatchDir(dir: string, listener: () => void): { close(): void } {
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, listener);
    watcher.on('error', () => watcher?.close());
  } catch {
    // A folder that cannot be watched is still polled.
  }
  return { close: () => watcher?.close() };
}

export async function watchFiles(options: FileWatchOptions): Promise<FileWatch> {
  const debounceMs = options.debounceMs ?? 300;
  const pollMs = options.pollMs ?? 30_000;
  const watchDir = options.watchDir ?? defaultWatchDir;
  const watchers = new Map<string, { close(): void }>();
  let last = await contentHash(await options.files());
  let debounce: NodeJS.Timeout | undefined;
  let checking: Promise<boolean> | undefined;
  let stopped = false;

  const syncWatchers = (files: readonly string[]): void => {
    const wanted = new Set([...options.dirs, ...files.map((f) => dirname(f))]);
    for (const [dir, w] of watchers) if (!wanted.has(dir)) (w.close(), watchers.delete(dir));
    for (const dir of wanted) if (!watchers.has(dir)) watchers.set(dir, watchDir(dir, onEvent));
  };

  async function checkOnce(): Promise<boolean> {
    const now = await contentHash(await options.files());
    if (now === last || stopped) return false;
    // A file caught mid-write (truncated, half written) must not be loaded: the content has to hold
    // still for one debounce interval first, otherwise look again later.
    await new Promise((resolve) => setTimeout(resolve, debounceMs));
    if ((await contentHash(await options.files())) !== now) {
      onEvent();
      return false;
    }
    last = now;
    await options.onChange();
    // The change may have brought new files (a new mapping table): watch them. `last` stays the hash
    // that triggered this reload, so an edit made while it ran (or a newly used file) is seen next time.
    syncWatchers(await options.files());
    return true;
  }

  let queued: Promise<boolean> | undefined;
  function check(): Promise<boolean> {
    // One check at a time, and at most one waiting behind it (a slow reload does not pile up polls).
    if (queued) return queued;
    const next = (checking ?? Promise.resolve(false)).then(() => {
      queued = undefined;
      return checkOnce();
    });
    checking = next.catch((error: unknown) => {
      options.onError?.(error);
      return false;
    });
    queued = checking;
    return checking;
  }

  function onEvent(): void {
    if (stopped) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void check(), debounceMs);
  }

  syncWatchers(await options.files());
  const poll = setInterval(() => void check(), pollMs);
  poll.unref();
  return {
    check,
    stop() {
      stopped = true;
      clearTimeout(debounce);
      clearInterval(poll);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
