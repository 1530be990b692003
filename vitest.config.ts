import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // e2e suites each start a fake Discord and a real client; run files in parallel, tests in order.
    pool: 'forks',
  },
});
