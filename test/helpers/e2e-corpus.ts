import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Library } from '../../src/library.js';
import { openLibrary } from '../../src/store/build.js';

let corpus: Promise<Library> | undefined;

/**
 * The harness's library: the temporary DATA_DIR, plus — when
 * DOSSIER_E2E_CORPUS names a folder of documents — that whole corpus, so the
 * end-to-end suite can be run against a library of realistic size. Opt-in:
 * `npm test` never needs it. The corpus index is saved in the system temp
 * folder, so only the first run builds it; the suite's own documents are then
 * added incrementally, as ingest adds them.
 */
export async function harnessLibrary(dataDir: string): Promise<Library> {
  const own = await Library.load(dataDir);
  const dir = process.env.DOSSIER_E2E_CORPUS;
  if (!dir) return own;
  const key = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 12);
  corpus ??= openLibrary(path.resolve(dir), { indexDir: path.join(os.tmpdir(), `dossier-e2e-index-${key}`), complete: true });
  return (await corpus).with({ add: own.docs });
}
