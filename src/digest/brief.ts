/**
 * The daily brief as plain data, and its rendering as Discord messages. Pure:
 * the caller supplies the library, the date in the team's zone, when the
 * previous brief was and what earlier briefs already said, so the console, the
 * CLI and the scheduler agree.
 *
 * A brief is news: the documents first seen since the previous brief, each
 * with its most central sentences (the same centrality as `/summary`), grouped
 * under the topics they joined, and the topics that grew. A sentence one brief
 * quoted is never quoted again to the same server.
 */
import { createHash } from 'node:crypto';
import type { Library } from '../library.js';
import { LIMITS, fitBlocks, truncate } from '../replies/limits.js';
import { blockQuote, code, escapeMarkdown, plainText, sourceLink, subtext } from '../replies/markdown.js';
import { plural } from '../replies/passages.js';
import { summarize } from '../summary/index.js';
import { findTopic } from '../topics/find.js';
import type { Doc, Point, Topic } from '../types.js';
import type { LocalDate } from './schedule.js';
import type { DocumentKey } from './store.js';

export interface BriefPoint {
  citation: string;
  text: string;
}

export interface BriefDocument {
  slug: string;
  title: string;
  source?: string;
  /** Its 1–3 most central sentences not quoted before, in source order; empty when it did not fit the brief. */
  points: BriefPoint[];
  /** The biggest topic it joined, which it is listed under; absent when it joined none. */
  topic?: string;
  /** Listed by title only: the brief had no room left for its quotes. */
  overflow: boolean;
  key: DocumentKey;
}

export interface GrownTopic {
  topic: string;
  /** Points the new documents added to it. */
  added: number;
  /** The quoted points above that belong to it. */
  citations: string[];
  /** Every point it has came with the new documents: a topic they started rather than joined. */
  started: boolean;
}

export interface Brief {
  date: LocalDate;
  timezone: string;
  /** The local date of the previous brief; absent for a server's first (which covers the last 24 hours). */
  previous?: LocalDate;
  /**
   * Where "new" starts when that is neither the previous brief nor 24 hours ago:
   * the first brief after scheduled ones that never reached the channel, or a
   * window capped at a week.
   */
  from?: LocalDate;
  /** In the order they are shown: grouped by topic, biggest topic first, overflow last. */
  newDocuments: BriefDocument[];
  grownTopics: GrownTopic[];
  totals: { documents: number; topics: number };
  /** With a topics filter: names that matched no topic. */
  missingTopics: string[];
  /** Nothing new: the brief is a one-line note (or, under `quiet: skip`, no post). */
  quiet: boolean;
}

/** New documents quoted in one brief; beyond it they are listed by title (a brief, not the whole library). */
export const MAX_QUOTED_DOCUMENTS = 8;
const POINTS_PER_DOCUMENT = 3;
const MAX_GROWN_TOPICS = 8;
const QUOTE_CHARS = 280;

const hashes = new WeakMap<Doc, string>();

/**
 * Who owns a document and what it says: the key first-seen times and reports
 * are kept under. By content, so a renamed file is not news and a replaced one is.
 */
export function documentKey(doc: Doc): DocumentKey {
  let hash = hashes.get(doc);
  if (!hash) {
    const h = createHash('sha256');
    for (const p of doc.paragraphs) h.update(p.text).update('\n\n');
    hash = h.digest('base64url').slice(0, 32);
    hashes.set(doc, hash);
  }
  return { owner: doc.guild ?? '', hash, slug: doc.slug };
}

export const keyString = (k: { owner: string; hash: string }) => `${k.owner}:${k.hash}`;

/** A sentence's identity for "never quoted twice": its text, whitespace-folded, wherever it appears. */
export function sentenceHash(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('base64url').slice(0, 32);
}

/** Front matter `added_at` (set by ingest) as an instant, when present and valid. */
export function addedAt(doc: Doc): number | undefined {
  const added = doc.meta.addedAt ? Date.parse(doc.meta.addedAt) : Number.NaN;
  return Number.isNaN(added) ? undefined : added;
}

/** When a document arrived: `added_at` first, else when Dossier first saw it. */
export function arrivedAt(doc: Doc, firstSeen: ReadonlyMap<string, number>): number | undefined {
  return addedAt(doc) ?? firstSeen.get(keyString(documentKey(doc)));
}

/**
 * A document's most central sentences by the `/summary` ranking, leaving out
 * any sentence already quoted (to this server, or earlier in this brief); a
 * spent sentence is replaced by the next most central one.
 */
function centralPoints(library: Library, doc: Doc, used: Set<string>): Point[] {
  const fresh = (points: readonly Point[]) => points.filter((p) => !used.has(sentenceHash(p.text)));
  const summary = library.summary(doc.slug, POINTS_PER_DOCUMENT);
  let chosen = fresh(summary);
  const want = summary.length - chosen.length;
  if (want > 0) {
    // Rare (a document repeating sentences already quoted): the spent ones are replaced from the rest, ranked the same way.
    const rest = fresh(library.pointsIn(doc.slug).filter((p) => p.kind === 'sentence' && !summary.includes(p)));
    chosen = [...chosen, ...summarize(rest, { min: want, max: want, idf: (t) => library.store.vocabulary.idf(t) })];
  }
  for (const p of chosen) used.add(sentenceHash(p.text));
  return chosen.sort((a, b) => a.paragraph - b.paragraph || (a.sentence ?? 0) - (b.sentence ?? 0));
}

export interface BriefInput {
  library: Library;
  date: LocalDate;
  timezone: string;
  /** Documents that arrived after this instant are new. */
  since: number;
  previous?: LocalDate;
  from?: LocalDate;
  /** First-seen times, keyed `owner:hash` (see documentKey). */
  firstSeen: ReadonlyMap<string, number>;
  /** Documents earlier briefs reported (`owner:hash`), and sentences they quoted (sentenceHash). */
  reported?: ReadonlySet<string>;
  quoted?: ReadonlySet<string>;
  /** Topic names to restrict to; undefined = every topic. */
  topics?: readonly string[];
}

const bySize = (a: Topic, b: Topic) => b.points.length - a.points.length || a.name.localeCompare(b.name);

export function buildBrief(input: BriefInput): Brief {
  const { library } = input;
  const missingTopics: string[] = [];
  let allowed: Set<Topic> | undefined;
  if (input.topics?.length) {
    allowed = new Set();
    for (const name of input.topics) {
      const t = findTopic(library.topics, name);
      if (t) allowed.add(t);
      else missingTopics.push(name);
    }
  }
  const topics = library.topics.filter((t) => !allowed || allowed.has(t));

  let fresh = library.docs.filter((d) => {
    const at = arrivedAt(d, input.firstSeen);
    // Strictly after: a document that arrived while the previous brief was composed was in it.
    return at !== undefined && at > input.since && !input.reported?.has(keyString(documentKey(d)));
  });
  const freshSlugs = new Set(fresh.map((d) => d.slug));

  // Which topics the new documents joined, and with how many points.
  const joined = new Map<string, Topic[]>();
  const added = new Map<Topic, Point[]>();
  for (const t of topics) {
    // Most topics gained nothing: their document lists are far shorter than their point lists.
    if (!t.documents.some((slug) => freshSlugs.has(slug))) continue;
    const mine = t.points.filter((p) => freshSlugs.has(p.doc));
    if (mine.length === 0) continue;
    added.set(t, mine);
    for (const slug of new Set(mine.map((p) => p.doc))) joined.set(slug, [...(joined.get(slug) ?? []), t]);
  }
  // A topics filter narrows the news to documents that joined one of them.
  if (allowed) fresh = fresh.filter((d) => joined.has(d.slug));

  const home = (d: Doc) => joined.get(d.slug)?.sort(bySize)[0];
  const order = new Map([...topics].sort(bySize).map((t, i) => [t, i]));
  const rank = (d: Doc) => {
    const t = home(d);
    return t ? order.get(t)! : Infinity;
  };
  const sorted = fresh.map((d, i) => ({ d, i, r: rank(d) })).sort((a, b) => a.r - b.r || a.i - b.i);

  const used = new Set(input.quoted ?? []);
  const newDocuments: BriefDocument[] = sorted.map(({ d }, i) => {
    const overflow = i >= MAX_QUOTED_DOCUMENTS;
    const points = overflow ? [] : centralPoints(library, d, used).map((p) => ({ citation: p.citation, text: p.text }));
    return {
      slug: d.slug,
      title: d.meta.title,
      ...(d.meta.source ? { source: d.meta.source } : {}),
      points,
      ...(home(d) ? { topic: home(d)!.name } : {}),
      overflow,
      key: documentKey(d),
    };
  });

  const quotedCitations = new Set(newDocuments.flatMap((d) => d.points.map((p) => p.citation)));
  const grownTopics = [...added.entries()]
    .map(([t, points]) => ({
      topic: t.name,
      added: points.length,
      // On a server's first brief everything is new: "new topic" would be on every line.
      started: input.previous !== undefined && points.length === t.points.length,
      citations: points.filter((p) => quotedCitations.has(p.citation)).map((p) => p.citation),
    }))
    .sort((a, b) => b.added - a.added || a.topic.localeCompare(b.topic));

  return {
    date: input.date,
    timezone: input.timezone,
    ...(input.previous ? { previous: input.previous } : {}),
    ...(input.from ? { from: input.from } : {}),
    newDocuments,
    grownTopics,
    totals: { documents: library.docs.length, topics: library.topics.length },
    missingTopics,
    quiet: newDocuments.length === 0,
  };
}

/** Every sentence the brief quotes, for the server's quote history. */
export function quotesOf(brief: Brief): { hash: string; citation: string }[] {
  return brief.newDocuments.flatMap((d) => d.points.map((p) => ({ hash: sentenceHash(p.text), citation: p.citation })));
}

/** "Saturday 28 November 2026" for a calendar date (no zone arithmetic: the date is already local). */
export function longDate(date: LocalDate): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).formatToParts(
    new Date(Date.UTC(y, m - 1, d)),
  );
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

function docLink(d: { title: string; source?: string }): string {
  const title = plainText(truncate(d.title, 100));
  // A plain <url> (not unfurled), never a masked link: a document's title must not label a link.
  const url = sourceLink(d.source);
  return url ? `${title} ${url}` : title;
}

export interface RenderOptions {
  /** Shown as a relative timestamp in the footer. */
  nextAt?: number;
  /** A catch-up post: say so, so no one wonders why it came at 09:40. */
  late?: boolean;
}

const LATE_NOTE = subtext('Posted late: the bot was offline or disconnected at the scheduled time.');

/**
 * The brief as Discord message contents, each at most 2,000 characters. A
 * document is never split from its first quote, and a message break falls
 * between quotes, so every part reads on its own.
 */
export function renderBrief(brief: Brief, options: RenderOptions = {}): string[] {
  const heading = `🗞️ **Daily brief** — ${longDate(brief.date)} (${escapeMarkdown(brief.timezone)})`;
  const start = brief.from ?? brief.previous;
  const sinceText = start ? `since ${longDate(start)}` : 'in the last 24 hours';
  const late = options.late ? [LATE_NOTE] : [];
  const size = `${plural(brief.totals.documents, 'document')}, ${plural(brief.totals.topics, 'topic')}`;
  const notFound = brief.missingTopics.length ? ` · not found: ${brief.missingTopics.map((t) => escapeMarkdown(truncate(t, 50))).join(', ')}` : '';
  if (brief.quiet) {
    return [truncate([heading, `Nothing new ${sinceText} · ${size} · \`/topics\` to browse${notFound}`, ...late].join('\n'), LIMITS.content)];
  }

  const quoted = brief.newDocuments.filter((d) => !d.overflow);
  const overflow = brief.newDocuments.filter((d) => d.overflow);
  const points = quoted.reduce((n, d) => n + d.points.length, 0);
  const news = `**New ${sinceText}:** ${plural(brief.newDocuments.length, 'document')}, ${plural(points, 'point')} quoted`;

  // Atoms are the units a message break may fall between; `glue` joins an atom to the one before.
  const atoms: { text: string; glue: string }[] = [{ text: [heading, news, ...late].join('\n'), glue: '' }];
  let group: string | undefined | null = null;
  for (const d of quoted) {
    const heading = group !== (d.topic ?? undefined) ? `${d.topic ? `**${escapeMarkdown(d.topic)}**` : '**Joined no topic**'}\n` : '';
    group = d.topic;
    const title = `📄 ${docLink(d)}`;
    if (d.points.length === 0) {
      atoms.push({ text: `${heading}${title}\n${subtext('no sentence long enough to quote')}`, glue: '\n\n' });
      continue;
    }
    d.points.forEach((p, i) => {
      const quote = `${blockQuote(p.text, { maxChars: QUOTE_CHARS })}\n${subtext(code(p.citation))}`;
      atoms.push(i === 0 ? { text: `${heading}${title}\n${quote}`, glue: '\n\n' } : { text: quote, glue: '\n' });
    });
  }
  if (overflow.length) {
    const head = `…and ${plural(overflow.length, 'more new document')} (no room to quote them): `;
    atoms.push({ text: head + fitBlocks(overflow.map(docLink), 1500 - head.length, ', ', (n) => `and ${n} more (\`/sources\`)`), glue: '\n\n' });
  }
  if (brief.grownTopics.length) {
    atoms.push({ text: '**Topics that grew**', glue: '\n\n' });
    for (const t of brief.grownTopics.slice(0, MAX_GROWN_TOPICS)) {
      const cites = t.citations.slice(0, 3).map(code).join(', ');
      const more = t.citations.length > 3 ? ` +${t.citations.length - 3}` : '';
      const name = `${escapeMarkdown(truncate(t.topic, 80))}${t.started ? ' (new topic)' : ''}`;
      atoms.push({ text: `• ${name} — +${plural(t.added, 'point')}${cites ? `: ${cites}${more}` : ''}`, glue: '\n' });
    }
    if (brief.grownTopics.length > MAX_GROWN_TOPICS) atoms.push({ text: `• ${plural(brief.grownTopics.length - MAX_GROWN_TOPICS, 'more topic')}: \`/topics\``, glue: '\n' });
  }
  const footer = [`${plural(brief.totals.documents, 'document')} · ${plural(brief.totals.topics, 'topic')}${notFound}`, ...(options.nextAt !== undefined ? [`next brief <t:${Math.floor(options.nextAt / 1000)}:R>`] : [])].join(' · ');
  atoms.push({ text: subtext(footer), glue: '\n\n' });

  const messages: string[] = [];
  let current = '';
  for (const atom of atoms) {
    const text = truncate(atom.text, LIMITS.content);
    if (current && current.length + atom.glue.length + text.length <= LIMITS.content) current += atom.glue + text;
    else {
      if (current) messages.push(current);
      current = text;
    }
  }
  if (current) messages.push(current);
  return messages;
}

/**
 * The brief as the CLI's JSON: exactly
 * `{date, newDocuments: [{slug, title, source, points: [{citation, text}]}], grownTopics: [{topic, added, citations}], quiet}`.
 */
export function briefJson(brief: Brief) {
  return {
    date: brief.date,
    newDocuments: brief.newDocuments.map((d) => ({
      slug: d.slug,
      title: d.title,
      source: d.source ?? null,
      points: d.points.map((p) => ({ citation: p.citation, text: p.text })),
    })),
    grownTopics: brief.grownTopics.map((t) => ({ topic: t.topic, added: t.added, citations: t.citations })),
    quiet: brief.quiet,
  };
}
