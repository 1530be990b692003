import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Doc } from '../../src/types.js';
import { makeDoc } from './docs.js';

const SUBJECTS = ['The ministry', 'Pakistan', 'The Russian delegation', 'Wheat farmers', 'The central bank', 'Port authorities', 'Energy traders', 'The committee'];
const VERBS = ['announced', 'rejected', 'expanded', 'reviewed', 'financed', 'delayed', 'approved', 'criticised'];
const OBJECTS = ['grain exports', 'the pipeline deal', 'fertiliser subsidies', 'border crossings', 'a customs union', 'shipping insurance', 'leather tariffs', 'the rail corridor'];
const TAILS = ['after long talks in Astana', 'despite American pressure', 'for the coming harvest', 'under the new agreement', 'with Chinese support', 'before the summit', 'in a joint statement', 'at record prices'];

/** A small deterministic library: varied sentences from a few word lists, a distinctive word per document. */
export function syntheticDocs(count: number, paragraphs = 6, offset = 0): Doc[] {
  const docs: Doc[] = [];
  for (let d = offset; d < offset + count; d++) {
    const lines: string[] = [];
    for (let p = 0; p < paragraphs; p++) {
      const k = d * 7 + p * 3;
      const s1 = `${SUBJECTS[k % 8]} ${VERBS[(k >> 1) % 8]} ${OBJECTS[(k >> 2) % 8]} ${TAILS[(k + d) % 8]}.`;
      const s2 = `Observers called report ${d}-${p} on zeta${d} ${OBJECTS[(k + 3) % 8]} ${TAILS[(k >> 3) % 8]}.`;
      lines.push(`${s1} ${s2}`);
    }
    docs.push(makeDoc(`doc-${d}`, lines.join('\n'), { title: `Report ${d}` }));
  }
  return docs;
}

/** The same documents as files in a fresh temporary DATA_DIR (title on line 1, as the benchmark corpus). */
export async function writeCorpus(docs: readonly Doc[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-corpus-'));
  for (const doc of docs) {
    const body = doc.paragraphs.map((p) => p.text).join('\n\n');
    await writeFile(path.join(dir, `${doc.slug}.txt`), `${doc.meta.title}\n\n${body}\n`);
  }
  return dir;
}
