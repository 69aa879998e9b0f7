import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one Postgres and one Redis; each file uses its own database/prefix,
    // but two cores are all we have, so keep parallelism modest.
    maxWorkers: 2,
    allowOnly: false,
  },
});
