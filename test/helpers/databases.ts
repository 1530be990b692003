import path from 'node:path';
import type { DatabaseKind, DatabaseTarget } from '../../src/db/index.js';
import { freshDatabase } from './postgres.js';

/** State tests run once per backend: `describe.each(BACKENDS)`. */
export const BACKENDS: readonly DatabaseKind[] = ['sqlite', 'postgres'];

/** A new, empty database of that kind: a SQLite file under `dir`, or a fresh database on the run's PostgreSQL server. */
export async function emptyDatabase(kind: DatabaseKind, dir: string): Promise<DatabaseTarget> {
  return kind === 'sqlite' ? { kind, file: path.join(dir, '.dossier', 'dossier.db') } : { kind, url: await freshDatabase() };
}
