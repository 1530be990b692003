/**
 * The answer-quality sections of `npm run bench`: natural questions on the
 * full corpus, summaries (CNN/DailyMail ROUGE beside Lead-3 and TextRank, and
 * the bundled article's summaries by citation), and topic stability.
 * `npm run bench -- --only-quality` runs these alone (with the full-corpus
 * search they need and the 20 largest topics), without the timing sections.
 */
import path from 'node:path';
import { loadDocuments } from '../src/documents/load.js';
import { Library } from '../src/library.js';
import type { InMemoryPointStore } from '../src/store/point-store.js';
import { SUMMARY_LENGTHS } from '../src/summary/index.js';
import type { Point } from '../src/types.js';
import { REPO } from './corpus.js';
import { answers, generateQuestions } from './questions.js';
import { evaluateSummaries, type RougeTriple, type SummaryEvaluation } from './summary-eval.js';
import { formatStability, measureStability, type StabilityRow } from './topic-stability.js';

export interface QualityFigures {
  questions: { at1: number; at5: number; n: number };
  rouge?: SummaryEvaluation;
  /** The bundled article's summaries, by length, as citations within it ("p2.s1"). */
  bundled: Record<string, string[]>;
  stability: StabilityRow[];
}

const pct = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
const triple = (t: RougeTriple) => `${t.r1.toFixed(2)} / ${t.r2.toFixed(2)} / ${t.rL.toFixed(2)}`;

export async function runQualitySections(opts: {
  store: InMemoryPointStore | undefined;
  points: readonly Point[];
  knownItem: { at1: number; at5: number } | undefined;
  corpusDir: string;
  evalPath: string;
  seed: number;
  quick: boolean;
  log: (line?: string) => void;
}): Promise<QualityFigures> {
  const { log } = opts;
  const questions = generateQuestions([...opts.points], opts.quick ? 100 : 300, opts.seed);
  let recall = { at1: NaN, at5: NaN, n: 0 };
  if (opts.store && questions.length > 0) {
    let at1 = 0;
    let at5 = 0;
    for (const q of questions) {
      const rank = opts.store.search(q.text, { limit: 5 }).hits.findIndex((h) => answers(q, h.point));
      if (rank === 0) at1++;
      if (rank >= 0) at5++;
    }
    recall = { at1: at1 / questions.length, at5: at5 / questions.length, n: questions.length };
  }
  log(
    `Natural questions on the full corpus (bench/questions.ts: "what did <subject> <verb> about <object>?" from ${questions.length} seeded sentences, half of them documents' leads; the verb in its base form, the rest of the sentence unsaid): recall@1 ${pct(recall.at1)}, recall@5 ${pct(recall.at5)} (known-item: ${pct(opts.knownItem?.at1 ?? NaN)} / ${pct(opts.knownItem?.at5 ?? NaN)})`,
  );
  log();

  let rouge: SummaryEvaluation | undefined;
  try {
    rouge = await evaluateSummaries(opts.evalPath);
    log(`Summaries on ${rouge.n} CNN/DailyMail articles (${opts.evalPath}), ROUGE F1 %: R-1 / R-2 / R-L`);
    log(`dossier ${triple(rouge.dossier)} · lead-3 ${triple(rouge.lead3)} · textrank ${triple(rouge.textrank)}`);
  } catch (err) {
    log(`Summaries: skipped (${(err as Error).message})`);
  }
  // The analysis case: which sentences the bundled article's summaries quote (its thesis is ¶2.1, ¶5.2 or ¶6.1, ¶7.2).
  const article = new Library((await loadDocuments(path.join(REPO, 'test/fixtures/library'))).docs);
  const bundled: Record<string, string[]> = {};
  for (const [name, n] of Object.entries(SUMMARY_LENGTHS)) {
    bundled[name] = article.summary('putin-sharif-sco', n).map((p) => p.citation.split('#')[1]!);
    log(`bundled article, ${name} summary: ${bundled[name]!.join(' · ')}`);
  }
  log();

  log('Topic stability (bench/topic-stability.ts): names unchanged after adding 1, 10 and 100 held-out corpus documents, topics rebuilt from scratch; targets ≥ 90 % after one, ≥ 80 % after ten');
  const stability = await measureStability(opts.corpusDir, opts.seed, !opts.quick);
  log(formatStability(stability));
  log();
  return { questions: recall, rouge, bundled, stability };
}

/** Targets the quality sections are held to. */
export function qualityTargets(q: QualityFigures): [string, boolean, string][] {
  const kept = (added: number) => q.stability.filter((r) => r.added === added).map((r) => r.namesKept);
  const rouge = q.rouge;
  return [
    ['ROUGE-1/2/L above Lead-3', !!rouge && rouge.dossier.r1 > rouge.lead3.r1 && rouge.dossier.r2 > rouge.lead3.r2 && rouge.dossier.rL > rouge.lead3.rL, rouge ? 'see above' : 'skipped'],
    ['topic names kept after +1 document ≥ 90 %', kept(1).every((v) => v >= 0.9), kept(1).map((v) => `${(100 * v).toFixed(0)} %`).join(', ')],
    ['topic names kept after +10 documents ≥ 80 %', kept(10).every((v) => v >= 0.8), kept(10).map((v) => `${(100 * v).toFixed(0)} %`).join(', ')],
  ];
}
