import type { TestProject } from 'vitest/node';
import { startPostgresServer } from '../helpers/postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's PostgreSQL server; tests take a database of their own from it (test/helpers/postgres.ts). */
    postgresUrl: string;
  }
}

/** One PostgreSQL server for the whole run: starting one takes about a second, a database in it milliseconds. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgresServer();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
