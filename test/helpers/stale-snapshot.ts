import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { openLibrary } from '../../src/store/build.js';
import { syntheticDocs, writeCorpus } from './corpus.js';
import { makeDoc } from './docs.js';

/** Whole seconds, so the stamp can be put back exactly after an edit. */
const STAMP = 1_790_000_000;
/** The sentence a stale snapshot keeps quoting after its file is edited. */
export const SAID = 'The minister said Pakistan must liberate itself from the yoke of debt.';

/**
 * A library large enough for a saved index snapshot, with a document `yoke`
 * whose file tests edit behind the snapshot's back: same length, modification
 * time put back, so the snapshot still looks fresh.
 */
export interface StaleSnapshotLibrary {
  dir: string;
  /** `yoke`'s file. */
  file: string;
  /** The file as first written, stamped, with a snapshot built from it (as a previous run left it). */
  reset(): Promise<void>;
  /** Replaces `from` by `to` (same length) in `yoke`'s file and puts its modification time back. */
  editKeepingStamp(from: string, to: string): Promise<void>;
  remove(): Promise<void>;
}

export async function staleSnapshotLibrary(): Promise<StaleSnapshotLibrary> {
  const dir = await writeCorpus([
    ...syntheticDocs(60),
    makeDoc('yoke', `${SAID} Some fruit and leather exports reached the market.\nThe second paragraph stays as it was.`, { title: 'Yoke' }),
  ]);
  const file = path.join(dir, 'yoke.txt');
  const original = await readFile(file, 'utf8');
  return {
    dir,
    file,
    async reset() {
      await writeFile(file, original);
      await utimes(file, STAMP, STAMP);
      await rm(path.join(dir, '.dossier'), { recursive: true, force: true });
      await openLibrary(dir, { inProcess: true });
    },
    async editKeepingStamp(from, to) {
      const text = await readFile(file, 'utf8');
      expect(to.length).toBe(from.length);
      await writeFile(file, text.replace(from, to));
      await utimes(file, STAMP, STAMP);
      expect((await stat(file)).mtimeMs).toBe(STAMP * 1000);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
