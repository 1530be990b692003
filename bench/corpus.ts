/** The benchmark corpus: a folder of `.txt` files (title on line 1), loaded through Dossier's own loader. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDocuments } from '../src/documents/load.js';
import type { Doc } from '../src/types.js';
import { seededRandom } from '../src/random.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Next to the repository, so it works from any clone sitting beside `shared/`. */
export const DEFAULT_CORPUS = path.resolve(REPO, '../shared/corpus/whitehouse-briefings');

export async function loadCorpus(dir: string): Promise<Doc[]> {
  const { docs } = await loadDocuments(dir);
  return docs;
}

export function sentenceCount(docs: readonly Doc[]): number {
  let n = 0;
  for (const d of docs) for (const p of d.paragraphs) n += p.sentences.length;
  return n;
}

/** Whole documents in a seeded order until at least `sentences` sentences; path order kept inside the subset. */
export function subset(docs: readonly Doc[], sentences: number, seed: number): Doc[] {
  const rand = seededRandom(seed);
  const order = docs.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const picked: number[] = [];
  let n = 0;
  for (const i of order) {
    if (n >= sentences) break;
    picked.push(i);
    for (const p of docs[i]!.paragraphs) n += p.sentences.length;
  }
  return picked.sort((a, b) => a - b).map((i) => docs[i]!);
}
