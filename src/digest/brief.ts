/**
 * The daily brief as plain data, and its rendering as Discord messages. Pure:
 * the caller supplies the library, the date in the team's zone and which
 * documents are new, so the console, the CLI and the scheduler agree.
 */
import type { Library } from '../library.js';
import { LIMITS, fitBlocks, truncate } from '../replies/limits.js';
import { blockQuote, code, escapeMarkdown, subtext } from '../replies/markdown.js';
import { plural } from '../replies/passages.js';
import { summarize } from '../summary/index.js';
import { findTopic } from '../topics/find.js';
import type { Doc, Topic } from '../types.js';
import { localDate, type LocalDate } from './schedule.js';

export interface BriefPoint {
  citation: string;
  text: string;
}

export interface BriefSection {
  topic: string;
  /** All of the topic's points, for the "(5 points)" count. */
  pointCount: number;
  /** 1–3 key points, most central first by the summary ranking, in source order. */
  points: BriefPoint[];
}

export interface BriefDocument {
  slug: string;
  title: string;
  source?: string;
}

export interface Brief {
  date: LocalDate;
  timezone: string;
  sections: BriefSection[];
  newDocuments: BriefDocument[];
  totals: { documents: number; topics: number };
  /** Topics left out to keep the brief short (or, with a filter, names that matched nothing). */
  omittedTopics: number;
  missingTopics: string[];
}

/** Beyond this many topics the brief stops being a brief; `/topics` has the rest. */
export const MAX_SECTIONS = 6;
const POINTS_PER_TOPIC = 3;
const QUOTE_CHARS = 280;

/** Documents added after `since`: front matter `added_at` first, else when Dossier first saw the file. */
export function newDocumentsSince(library: Library, since: number, firstSeen: ReadonlyMap<string, number> = new Map()): Doc[] {
  return library.docs.filter((d) => {
    const added = d.meta.addedAt ? Date.parse(d.meta.addedAt) : Number.NaN;
    const at = Number.isNaN(added) ? firstSeen.get(d.slug) : added;
    // Strictly after: a document seen while composing the previous brief was in it.
    return at !== undefined && at > since;
  });
}

/**
 * A topic's 1–3 most central key points by the summary's centrality scoring,
 * leaving out sentences an earlier section already quoted: big topics overlap,
 * and the same lead sentence five times would waste the brief.
 */
function keyPoints(library: Library, topic: Topic, used: Set<string>): BriefPoint[] {
  const idf = (t: string) => library.store.vocabulary.idf(t);
  let pool = topic.summary.filter((p) => !used.has(p.citation));
  if (pool.length === 0) pool = summarize(topic.points.filter((p) => !used.has(p.citation)), { max: POINTS_PER_TOPIC, idf });
  const points = pool.length <= POINTS_PER_TOPIC ? pool : summarize(pool, { min: POINTS_PER_TOPIC, max: POINTS_PER_TOPIC, idf, positionWeight: 0 });
  for (const p of points) used.add(p.citation);
  return points.map((p) => ({ citation: p.citation, text: p.text }));
}

export function buildBrief(input: {
  library: Library;
  date: LocalDate;
  timezone: string;
  newDocuments: readonly Doc[];
  /** Topic names to restrict to, in the order given; undefined = the biggest topics. */
  topics?: readonly string[];
}): Brief {
  const { library } = input;
  let chosen: Topic[];
  const missingTopics: string[] = [];
  if (input.topics?.length) {
    chosen = [];
    for (const name of input.topics) {
      const t = findTopic(library.topics, name);
      if (!t) missingTopics.push(name);
      else if (!chosen.includes(t)) chosen.push(t);
    }
  } else {
    chosen = [...library.topics].sort((a, b) => b.points.length - a.points.length || a.name.localeCompare(b.name));
  }
  const used = new Set<string>();
  const sections = chosen
    .slice(0, MAX_SECTIONS)
    .map((t) => ({ topic: t.name, pointCount: t.points.length, points: keyPoints(library, t, used) }))
    .filter((s) => s.points.length > 0);
  return {
    date: input.date,
    timezone: input.timezone,
    sections,
    newDocuments: input.newDocuments.map((d) => ({ slug: d.slug, title: d.meta.title, ...(d.meta.source ? { source: d.meta.source } : {}) })),
    totals: { documents: library.docs.length, topics: library.topics.length },
    omittedTopics: Math.max(0, chosen.length - MAX_SECTIONS),
    missingTopics,
  };
}

const DAY = 86_400_000;

/**
 * The brief for the local date at `now`. Documents count as new since `since`
 * (the previous brief), or, before any brief, over the last day.
 */
export function todaysBrief(
  library: Library,
  o: { now: number; timezone?: string; since?: number; firstSeen?: ReadonlyMap<string, number>; topics?: readonly string[] },
): Brief {
  const timezone = o.timezone ?? 'UTC';
  return buildBrief({
    library,
    date: localDate(o.now, timezone),
    timezone,
    newDocuments: newDocumentsSince(library, o.since ?? o.now - DAY, o.firstSeen),
    topics: o.topics,
  });
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

function docLink(d: BriefDocument): string {
  const title = escapeMarkdown(truncate(d.title, 100));
  if (!d.source) return title;
  // <…> keeps Discord from unfurling every new document into an embed.
  const url = d.source.replace(/[()<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[${title}](<${url}>)`;
}

export interface RenderOptions {
  /** Shown as a relative timestamp in the footer. */
  nextAt?: number;
  /** A catch-up post: say so, so no one wonders why it came at 09:40. */
  late?: boolean;
}

/**
 * The brief as Discord message contents, each at most 2,000 characters. Topics
 * are never split from their first point, and a message break falls between
 * points, so every part reads on its own.
 */
export function renderBrief(brief: Brief, options: RenderOptions = {}): string[] {
  const heading = `🗞️ **Daily brief** — ${longDate(brief.date)} (${escapeMarkdown(brief.timezone)})`;
  const news = brief.newDocuments.length
    ? `New since the previous brief: ${plural(brief.newDocuments.length, 'document')} — ` +
      fitBlocks(brief.newDocuments.map(docLink), 1200, ', ', (n) => `and ${n} more (\`/sources\`)`)
    : 'No new documents since the previous brief.';
  const intro = [heading, news, ...(options.late ? [subtext('Posted late: the bot was offline or disconnected at the scheduled time.')] : [])].join('\n');

  // Atoms are the units a message break may fall between; `glue` joins an atom to the one before.
  const atoms: { text: string; glue: string }[] = [{ text: intro, glue: '' }];
  for (const s of brief.sections) {
    s.points.forEach((p, i) => {
      const quote = `${blockQuote(p.text, { maxChars: QUOTE_CHARS })}\n${subtext(code(p.citation))}`;
      if (i === 0) atoms.push({ text: `**${escapeMarkdown(s.topic)}** (${plural(s.pointCount, 'point')})\n${quote}`, glue: '\n\n' });
      else atoms.push({ text: quote, glue: '\n' });
    });
  }
  if (brief.sections.length === 0) {
    atoms.push({ text: brief.missingTopics.length ? 'None of the chosen topics is in the library any more.' : 'No topic has key points to quote yet.', glue: '\n\n' });
  }
  const notes: string[] = [];
  if (brief.omittedTopics) notes.push(`${plural(brief.omittedTopics, 'more topic')}: \`/topics\``);
  if (brief.missingTopics.length) notes.push(`not found: ${brief.missingTopics.map((t) => escapeMarkdown(truncate(t, 50))).join(', ')}`);
  const footer = [
    plural(brief.totals.documents, 'document'),
    plural(brief.totals.topics, 'topic'),
    ...notes,
    ...(options.nextAt !== undefined ? [`next brief <t:${Math.floor(options.nextAt / 1000)}:R>`] : []),
  ].join(' · ');
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

/** The brief as the CLI's JSON: exactly `{date, sections: [{topic, points: [{citation, text}]}], newDocuments}`. */
export function briefJson(brief: Brief) {
  return {
    date: brief.date,
    sections: brief.sections.map((s) => ({ topic: s.topic, points: s.points.map((p) => ({ citation: p.citation, text: p.text })) })),
    newDocuments: brief.newDocuments,
  };
}
