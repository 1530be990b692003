/**
 * Prints the topics built for a document or a folder of documents, with sizes,
 * keywords, summaries and build time — to judge names and cost by eye.
 *
 *   node --import tsx bench/topics-try.ts <file.txt | folder> [--limit N] [--title-line]
 *
 * `--title-line` treats each file's first line as its title (as in the
 * whitehouse-briefings corpus) rather than as the first paragraph.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pointsOf } from '../src/points.js';
import { segmentDocumentBody } from '../src/text/segment.js';
import { buildTopics } from '../src/topics/build.js';
import type { Doc } from '../src/types.js';

async function files(target: string): Promise<string[]> {
  if (!(await stat(target)).isDirectory()) return [target];
  const out: string[] = [];
  for (const entry of await readdir(target, { withFileTypes: true })) {
    const full = path.join(target, entry.name);
    if (entry.isDirectory()) out.push(...(await files(full)));
    else if (entry.name.endsWith('.txt')) out.push(full);
  }
  return out.sort();
}

const args = process.argv.slice(2);
const target = args.find((a) => !a.startsWith('--')) ?? '../shared/seed/000_040bd968c0e9430a.txt';
const limitAt = args.indexOf('--limit');
const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : Infinity;
const titleLine = args.includes('--title-line');

const list = (await files(path.resolve(target))).slice(0, limit);
const docs: Doc[] = [];
const t0 = performance.now();
for (const file of list) {
  let body = await readFile(file, 'utf8');
  let title = path.basename(file, '.txt');
  if (titleLine) {
    const nl = body.indexOf('\n');
    title = body.slice(0, nl < 0 ? undefined : nl).trim();
    body = nl < 0 ? '' : body.slice(nl + 1);
  }
  const slug = `d${docs.length}-${path.basename(file, '.txt').slice(0, 40)}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  docs.push({ slug, path: file, meta: { title, tags: [] }, paragraphs: segmentDocumentBody(body) });
}
const points = pointsOf(docs);
const t1 = performance.now();
const cpu0 = process.cpuUsage();
const topics = buildTopics({ docs, points });
const cpu = process.cpuUsage(cpu0);
const t2 = performance.now();

const sentences = points.filter((p) => p.kind === 'sentence').length;
console.log(
  `${docs.length} documents, ${sentences} sentences; segmenting ${((t1 - t0) / 1000).toFixed(2)} s, ` +
    `topics ${((t2 - t1) / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU`,
);
console.log(`heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`);
for (const t of topics) {
  console.log(`\n${t.name} [${t.id}] — ${t.points.length} sentences, ${t.documents.length} docs; keywords: ${t.keywords.slice(0, 8).join(', ')}`);
  for (const p of t.summary) console.log(`   > ${p.text.slice(0, 160)}  (${p.citation})`);
}
