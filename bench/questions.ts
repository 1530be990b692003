/**
 * Natural questions for the benchmark: what an analyst would ask of a passage,
 * with that passage as the answer. Made reproducibly from the corpus's own
 * sentences (each document's lead first, then seeded others) by the tagger:
 * the subject, the main verb and what it acts on become "what did <subject>
 * <verb> about <object>?" — the verb in its base form, as a question has it,
 * not as the text inflects it ("announced" → "announce"), and the sentence's
 * other words left out, as a person asking does not know them.
 *
 *   node --import tsx bench/questions.ts [corpus] [--count N] [--seed N]   (prints a sample)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { seededRandom } from '../src/random.js';
import { tag, type Tagged } from '../src/text/nlp.js';
import type { Point } from '../src/types.js';

export interface NaturalQuestion {
  text: string;
  /** The sentence it was made from: it, its paragraph, or the same words elsewhere answer it. */
  target: Point;
}

const NOMINAL = new Set(['NOUN', 'PROPN']);
const MODIFIER = new Set(['NOUN', 'PROPN', 'ADJ', 'NUM']);

/** "what did <subject> <verb> about <object>?" from one sentence, or undefined when it has no such shape. */
export function questionFrom(sentence: string): string | undefined {
  const tokens = tag(sentence).filter((t) => t.pos !== 'SPACE');
  // The main verb: the first VERB preceded by a noun phrase (auxiliaries and adverbs may sit between).
  for (let v = 1; v < tokens.length; v++) {
    if (tokens[v]!.pos !== 'VERB') continue;
    let end = v - 1;
    let passive = false;
    while (end >= 0 && (tokens[end]!.pos === 'AUX' || tokens[end]!.pos === 'ADV')) {
      // "is being celebrated", "was arrested": the subject is not the doer.
      if (tokens[end]!.lemma === 'be') passive = true;
      end--;
    }
    // A verb after "to", or in a passive, is not the sentence's own: no question from it.
    if (passive || end < 0 || !NOMINAL.has(tokens[end]!.pos)) return undefined;
    let start = end;
    while (start > 0 && MODIFIER.has(tokens[start - 1]!.pos)) start--;
    const subject = tokens.slice(start, end + 1);
    const object = objectAfter(tokens, v + 1);
    if (!object) return undefined;
    return `what did ${words(subject)} ${tokens[v]!.lemma} about ${words(object)}?`;
  }
  return undefined;
}

/** The first noun phrase after the verb (its modifiers and head), within a few words. */
function objectAfter(tokens: readonly Tagged[], from: number): Tagged[] | undefined {
  for (let i = from; i < Math.min(tokens.length, from + 6); i++) {
    if (tokens[i]!.pos === 'PUNCT') return undefined;
    if (!MODIFIER.has(tokens[i]!.pos)) continue;
    let j = i;
    while (j + 1 < tokens.length && MODIFIER.has(tokens[j + 1]!.pos)) j++;
    const phrase = tokens.slice(i, j + 1);
    return NOMINAL.has(phrase[phrase.length - 1]!.pos) ? phrase : undefined;
  }
  return undefined;
}

const words = (tokens: readonly Tagged[]) => tokens.map((t) => t.text).join(' ');

/**
 * `count` questions: each document's lead sentence first (documents in seeded
 * order), then seeded sentences from anywhere, skipping those without a shape.
 */
export function generateQuestions(points: readonly Point[], count: number, seed: number): NaturalQuestion[] {
  const rand = seededRandom(seed);
  const sentences = points.filter((p) => p.kind === 'sentence' && p.text.length >= 50 && p.text.length <= 400);
  const leads = new Map<string, Point>();
  for (const p of sentences) if (!leads.has(p.doc)) leads.set(p.doc, p);
  const pool = [...leads.values()];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const out: NaturalQuestion[] = [];
  const asked = new Set<string>();
  const tryOne = (target: Point) => {
    const text = questionFrom(target.text);
    if (text && !asked.has(text)) {
      asked.add(text);
      out.push({ text, target });
    }
  };
  for (const p of pool) {
    if (out.length >= Math.ceil(count / 2)) break;
    tryOne(p);
  }
  for (let attempts = 0; out.length < count && attempts < count * 20; attempts++) tryOne(sentences[Math.floor(rand() * sentences.length)]!);
  return out;
}

/** Whether a result answers the question: the sentence itself, its paragraph, or a sentence with the same text. */
export function answers(q: NaturalQuestion, point: Point): boolean {
  return point.citation === q.target.citation || point.citation === `${q.target.doc}#p${q.target.paragraph}` || point.text === q.target.text;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { count: { type: 'string' }, seed: { type: 'string' } } });
  const { loadCorpus, DEFAULT_CORPUS } = await import('./corpus.js');
  const { pointsOf } = await import('../src/points.js');
  const docs = await loadCorpus(path.resolve(positionals[0] ?? DEFAULT_CORPUS));
  for (const q of generateQuestions(pointsOf(docs.slice(0, 300)), Number(values.count ?? 20), Number(values.seed ?? 42))) {
    process.stdout.write(`${q.text}\n    ← ${q.target.text.slice(0, 160)}\n`);
  }
}
