import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start real servers on 127.0.0.1; forks keep each file's sockets and timers apart.
    pool: 'forks',
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    // Temporary folders of the run go under one folder, removed at the end (test/support/temp-root.ts).
    globalSetup: ['./test/support/temp-root.ts'],
  },
});
