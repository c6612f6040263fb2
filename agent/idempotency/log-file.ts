// The idempotency log's storage: appends that are durable when they return (write + fsync), appends
// that are only written (made durable by the next fsync of the file), and an atomic rewrite for
// compaction. An interface so tests can make it fail like a full disk.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { writeFileAtomic } from '../fs-atomic.ts';

export interface LogFile {
  /**
   * Durable when it returns (unless `durable: false`: then written, so it survives the process, and
   * made durable by the next durable append or close); throws when the line could not be written.
   */
  append(text: string, options?: { durable?: boolean }): void;
  /** Replaces the whole content atomically. */
  rewrite(content: string): void;
  close(): void;
}

/** `write` is writeSync; tests pass one that writes part of the text and fails like a full disk. */
export function fileLog(file: string, write: (fd: number, text: string) => void = (fd, text) => void writeSync(fd, text)): LogFile {
  let fd: number | undefined;
  // After a failed append (ENOSPC mid-line) the file may end in a torn line: the next record starts
  // on a fresh line, so only the torn one is lost on reading, never the good one after it.
  let torn = false;
  const open = (): number => (fd ??= openSync(file, 'a', 0o600));
  return {
    append(text, options = {}) {
      const handle = open();
      try {
        write(handle, torn ? `\n${text}` : text);
        if (options.durable !== false) fsyncSync(handle);
        torn = false;
      } catch (error) {
        torn = true;
        throw error;
      }
    },
    rewrite(content) {
      // Closed first: Windows may refuse to replace a file that is open.
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      writeFileAtomic(file, content, 0o600);
      torn = false;
    },
    close() {
      if (fd !== undefined) {
        // What was only written is made durable before the file is let go.
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
      fd = undefined;
    },
  };
}
