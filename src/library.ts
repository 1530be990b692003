import path from 'node:path';
import { formatCitation, parseCitation } from './citations.js';
import { pointsOf } from './points.js';
import { loadDocuments } from './documents/load.js';
import { UserError } from './errors.js';
import type { Logger } from './log.js';
import { recordSearch } from './observability/metrics.js';
import { code, escapeMarkdown } from './replies/markdown.js';
import { Overlay, type Readable } from './store/overlay.js';
import { PointList } from './store/point-list.js';
import { InMemoryPointStore } from './store/point-store.js';
import type { Segment } from './store/segment.js';
import type { PointStore, SearchResult } from './store/types.js';
import { summarize } from './summary/index.js';
import { joinTopics, type KeywordMatches } from './topics/join.js';
import { buildTopics, findTopic, loadCuratedTopics } from './topics/build.js';
import type { Doc, Point, SearchOptions, Topic } from './types.js';

export interface Quote {
  point: Point;
  doc: Doc;
  /** Context sentences before and after, in document order (empty unless asked). */
  before: Point[];
  after: Point[];
}

/** Parts built elsewhere (a persisted snapshot, a worker thread, an incremental change) so the constructor need not build them. */
export interface LibraryParts {
  /** The live points, each with `store.allPoints.at(p.id) === p`. */
  points: readonly Point[] | PointList;
  store: InMemoryPointStore;
  topics: Topic[];
  /** Shared with the library this one derives from, so topics built later reach both (see adoptTopics). */
  topicsHolder?: TopicsHolder;
  /** Points and sentences grouped by document slug, when built already (in slices, by a snapshot loader). */
  byDoc?: ByDocument;
  /** Documents by slug, when they extend a base library's (see with). */
  bySlug?: Overlay<string, Doc>;
  /** `docs` as the base library's list followed by the additions (see docParts). */
  docParts?: readonly (readonly Doc[])[];
  /** Precomputed summaries, keyed as the summary cache is (`slug:sentences`, empty slug for the whole library). */
  summaries?: Iterable<[string, Point[]]>;
}

/** The topics of a library and those derived from it by additions; `pending` while a cold start is still building them. */
interface TopicsHolder {
  topics: Topic[];
  pending?: boolean;
}

/** Said instead of "no topics" while a cold start is still building them (searches already work). */
export const TOPICS_PENDING = 'Topics are still being built for this library (a large library needs a few seconds more for them than for search, which already works). Please try again shortly.';

/**
 * The slow parts of indexing an addition, worked out elsewhere (a worker, see
 * store/offthread.ts) over `pointsOf(add)` numbered from 0: its index segment
 * and which of its sentences mention each topic keyword.
 */
export interface BuiltAddition {
  segment: Segment;
  matched: KeywordMatches;
}

export interface SourceEntry {
  doc: Doc;
  paragraphs: number;
  sentences: number;
}

/** Libraries with more sentences than this summarise from their topics' key points (see summary()). */
const LIBRARY_SUMMARY_SCAN = 20_000;

/**
 * An immutable snapshot of the team's documents with everything derived from
 * them. Commands read one snapshot for a whole request, so a reload swaps the
 * library atomically and no one ever sees a half-built index.
 */
export class Library {
  /** The live points (a list that reads its base library's points in place when derived by additions). */
  readonly points: PointList;
  readonly store: PointStore & { vocabulary: InMemoryPointStore['vocabulary'] };
  private readonly memory: InMemoryPointStore;
  private readonly topicsHolder: TopicsHolder;
  private readonly bySlug: Overlay<string, Doc>;
  /** Every point of each document (a citation is found within its document: no library-wide map to build). */
  private readonly pointsByDoc: Lookup<Point[]>;
  private readonly sentencesByDoc: Lookup<Point[]>;
  private readonly summaryCache = new Map<string, Point[]>();
  /**
   * `docs` in parts: the base library's list, then each addition. Whatever is
   * worked out per document list (autocomplete's folded names) is then worked
   * out once for the shared library, not again for every server's view.
   */
  readonly docParts: readonly (readonly Doc[])[];

  constructor(
    readonly docs: readonly Doc[],
    readonly curated?: Record<string, string[]>,
    parts?: LibraryParts,
  ) {
    this.docParts = parts?.docParts ?? [docs];
    this.bySlug = parts?.bySlug ?? new Overlay();
    if (!parts?.bySlug) for (const doc of docs) this.bySlug.set(doc.slug, doc);
    this.points = PointList.of(parts?.points ?? pointsOf(docs));
    const byDoc = parts?.byDoc ?? groupByDocument(this.points);
    this.pointsByDoc = byDoc.points;
    this.sentencesByDoc = byDoc.sentences;
    this.memory = parts?.store ?? new InMemoryPointStore(this.points);
    this.store = this.memory;
    this.topicsHolder = parts?.topicsHolder ?? { topics: parts?.topics ?? buildTopics({ docs: [...docs], points: this.points.toArray(), curated }) };
    for (const [key, value] of parts?.summaries ?? []) this.summaryCache.set(key, value);
  }

  get topics(): Topic[] {
    return this.topicsHolder.topics;
  }

  /**
   * Topics that finished building after the search index (a cold start
   * serves searches first). Libraries derived from this one by additions
   * share them; the summary cache is cleared since it draws on topics.
   */
  adoptTopics(topics: Topic[]): void {
    this.topicsHolder.topics = topics;
    this.topicsHolder.pending = false;
    this.summaryCache.clear();
  }

  /** Marks the topics as still being built (until adoptTopics): topic answers say so rather than "none". */
  expectTopics(): void {
    this.topicsHolder.pending = true;
  }

  /** True from a cold start's early hand-over until its topics arrive. */
  get topicsPending(): boolean {
    return this.topicsHolder.pending === true;
  }

  /** Loads every document under `dataDir`, plus the optional curated `topics.json`. */
  static async load(dataDir: string, logger?: Logger): Promise<Library> {
    const { docs, skipped } = await loadDocuments(dataDir, { logger });
    for (const s of skipped) logger?.warn({ path: s.path, reason: s.reason }, 'document skipped');
    const curated = await loadCuratedTopics(path.join(dataDir, 'topics.json'));
    const library = new Library(docs, curated);
    logger?.info(
      { dataDir, documents: docs.length, points: library.points.length, topics: library.topics.length },
      'library loaded',
    );
    return library;
  }

  /**
   * A new snapshot with documents added (or replaced, by slug) and removed.
   * This one is untouched, so requests in flight keep a consistent view.
   */
  with(changes: { add?: readonly Doc[]; remove?: readonly string[]; curated?: Record<string, string[]> }, built?: BuiltAddition): Library {
    const replaced = new Set([...(changes.remove ?? []), ...(changes.add ?? []).map((d) => d.slug)]);
    const docs = [...this.docs.filter((d) => !replaced.has(d.slug)), ...(changes.add ?? [])];
    const curated = changes.curated ?? this.curated;
    if (!this.memory.segmented || changes.curated) return new Library(docs, curated);
    // Large library: index only the change (a delta segment and tombstones), so
    // a new document is searchable in well under a second whatever the size.
    const gone = new Set(this.docs.filter((d) => replaced.has(d.slug)).map((d) => d.slug));
    const offset = this.memory.allPoints.length;
    const added = pointsOf(changes.add ?? []).map((p) => ({ ...p, id: p.id + offset }));
    const store = this.memory.withChanges(added, [...gone], {}, built?.segment);
    // Pure additions to a library without tombstones: its live points are the store's, so share that array
    // and extend the per-document maps rather than regroup every point (a server's view of a large shared
    // library is built this way, once per server).
    const additionsOnly = gone.size === 0 && this.points.length === offset;
    const points = gone.size > 0 ? store.livePoints() : additionsOnly ? store.allPoints : this.points.concat(added);
    // Additions read through to this library's maps rather than copy them (see Overlay).
    const byDoc = gone.size === 0 ? groupByDocument(added, { points: new Overlay(this.pointsByDoc), sentences: new Overlay(this.sentencesByDoc) }) : undefined;
    let bySlug: Overlay<string, Doc> | undefined;
    let docParts: (readonly Doc[])[] | undefined;
    if (gone.size === 0) {
      bySlug = new Overlay(this.bySlug);
      for (const doc of changes.add ?? []) bySlug.set(doc.slug, doc);
      // `docs` is then this library's list followed by the additions; parts stay few.
      docParts = this.docParts.length < MAX_DOC_PARTS ? [...this.docParts, changes.add ?? []] : [docs];
    }
    // Topics keep their names until the next full build; removed documents leave them now and
    // added sentences join the topics whose keywords they mention.
    const kept = gone.size === 0 ? this.topics : withoutDocuments(this.topics, gone);
    const topics = joinTopics(kept, added, built?.matched);
    const unchanged = gone.size === 0 && topics.every((t, i) => t === this.topics[i]);
    const topicsHolder = unchanged ? this.topicsHolder : undefined;
    // Summaries stay valid quotes unless their document went; the library-wide one is refreshed by the next full build.
    const summaries = [...this.summaryCache].filter(([key, pts]) => !gone.has(key.split(':')[0]!) && pts.every((p) => !gone.has(p.doc)));
    // Removed documents' points stay in the index, tombstoned, so that a change costs only its own size; once they
    // outnumber the live ones, whoever owns the library compacts it in the background (store/compact.ts).
    return new Library(docs, curated, { points, store, topics, topicsHolder, summaries, byDoc, bySlug, docParts });
  }

  doc(slug: string): Doc | undefined {
    return this.bySlug.get(slug.trim().toLowerCase());
  }

  /** The document, or a UserError that says which documents do exist. */
  requireDoc(slug: string): Doc {
    const doc = this.doc(slug);
    if (doc) return doc;
    const close = this.docs
      .filter((d) => d.slug.includes(slug.toLowerCase()) || slug.toLowerCase().includes(d.slug))
      .slice(0, 3)
      .map((d) => `\`${d.slug}\``);
    const hint = close.length ? ` Did you mean ${close.join(', ')}?` : ' `/sources` lists them all.';
    throw new UserError(`No document is called ${code(slug.slice(0, 100))}.${hint}`);
  }

  point(citation: string): Point | undefined {
    const parts = parseCitation(citation);
    return parts ? this.byCitation(formatCitation(parts), parts.doc) : undefined;
  }

  search(query: string, options: SearchOptions): SearchResult {
    if (!query.trim() || !/[\p{L}\p{N}]/u.test(query)) {
      throw new UserError('Please give some words to search for, for example `/search wheat exports`.');
    }
    if (options.document) this.requireDoc(options.document);
    const started = performance.now();
    const result = this.store.search(query, { ...options, document: options.document && this.doc(options.document)?.slug });
    recordSearch((performance.now() - started) / 1000);
    return result;
  }

  quote(citation: string, context = 0): Quote {
    const parts = parseCitation(citation);
    if (!parts) {
      throw new UserError(
        `${code(citation.slice(0, 80))} is not a citation. Citations look like \`putin-sharif-sco#p3.s2\` (paragraph 3, sentence 2) or \`putin-sharif-sco#p3\`.`,
      );
    }
    const doc = this.requireDoc(parts.doc);
    const point = this.byCitation(formatCitation(parts), doc.slug);
    if (!point) {
      const para = doc.paragraphs.find((p) => p.index === parts.paragraph);
      const where = para
        ? `Paragraph ${para.index} has sentences 1–${para.sentences.length}.`
        : `It has paragraphs 1–${doc.paragraphs.length}.`;
      throw new UserError(`No passage has the citation \`${formatCitation(parts)}\`. ${where}`);
    }
    const n = Math.max(0, Math.min(3, Math.trunc(context)));
    const sentences = this.sentencesByDoc.get(doc.slug) ?? [];
    const inside = sentences.filter((s) => s.paragraph === point.paragraph && (point.sentence === undefined || s.sentence === point.sentence));
    const first = sentences.indexOf(inside[0]!);
    const last = sentences.indexOf(inside[inside.length - 1]!);
    return {
      point,
      doc,
      before: n && first > 0 ? sentences.slice(Math.max(0, first - n), first) : [],
      after: n && last >= 0 ? sentences.slice(last + 1, last + 1 + n) : [],
    };
  }

  /** A document's points in order (none for a slug this library does not have). */
  pointsIn(slug: string): readonly Point[] {
    return this.pointsByDoc.get(slug.trim().toLowerCase()) ?? [];
  }

  private byCitation(citation: string, slug: string): Point | undefined {
    return this.pointsByDoc.get(slug)?.find((p) => p.citation === citation);
  }

  /** A document's (or, without one, the whole library's) most central sentences, in source order. */
  summary(slug: string | undefined, sentences: number): Point[] {
    const key = `${slug ?? ''}:${sentences}`;
    const cached = this.summaryCache.get(key);
    if (cached) return cached;
    const candidates = slug ? (this.sentencesByDoc.get(this.requireDoc(slug).slug) ?? []) : this.librarySummaryCandidates();
    const vocab = this.store.vocabulary;
    // Summaries weigh light-stemmed terms ("shipment"); the index counts surface
    // words ("shipments"), so take the commonest surface form's weight.
    const idf = (term: string) => {
      let best = term;
      for (const form of [`${term}s`, `${term}'s`, `${term}es`]) if (vocab.frequency(form) > vocab.frequency(best)) best = form;
      return vocab.idf(best);
    };
    const result = summarize(candidates, { max: sentences, idf });
    this.summaryCache.set(key, result);
    return result;
  }

  /**
   * Sentences a library-wide summary picks from. Centrality over every
   * sentence costs seconds in a large library, so there the candidates are
   * the topics' own key points: already the most central sentence of each theme.
   */
  private librarySummaryCandidates(): Point[] {
    const all = this.points.filter((p) => p.kind === 'sentence');
    if (all.length <= LIBRARY_SUMMARY_SCAN) return all;
    // Centrality over every sentence would hold the event loop for seconds: wait for the topics.
    if (this.topicsPending) throw new UserError(TOPICS_PENDING);
    if (this.topics.length === 0) return all;
    const seen = new Set<number>();
    const picked = this.topics.flatMap((t) => t.summary).filter((p) => !seen.has(p.id) && seen.add(p.id));
    return picked.sort((a, b) => a.id - b.id);
  }

  /** Topics, optionally only those with points in one document. */
  topicsFor(slug?: string): Topic[] {
    if (this.topicsPending) throw new UserError(TOPICS_PENDING);
    if (!slug) return this.topics;
    const doc = this.requireDoc(slug);
    return this.topics.filter((t) => t.documents.includes(doc.slug));
  }

  topic(name: string): Topic {
    if (this.topicsPending) throw new UserError(TOPICS_PENDING);
    const topic = findTopic(this.topics, name);
    if (topic) return topic;
    const names = this.topics.slice(0, 5).map((t) => `*${escapeMarkdown(t.name)}*`);
    throw new UserError(
      // Echoed user input is escaped: `<@&id>` typed into the box must not render as a role pill.
      `No topic is called “${escapeMarkdown(name.slice(0, 80))}”.${names.length ? ` Try ${names.join(', ')} — or \`/topics\` for the full list.` : ''}`,
    );
  }

  sources(): SourceEntry[] {
    return this.docs.map((doc) => ({
      doc,
      paragraphs: doc.paragraphs.length,
      sentences: this.sentencesByDoc.get(doc.slug)?.length ?? 0,
    }));
  }
}

/** Parts of a document list before it is taken as one (each part is a list autocomplete scans). */
const MAX_DOC_PARTS = 4;

function withoutDocuments(topics: readonly Topic[], gone: ReadonlySet<string>): Topic[] {
  return topics
    .map((t) => ({
      ...t,
      points: t.points.filter((p) => !gone.has(p.doc)),
      documents: t.documents.filter((d) => !gone.has(d)),
      summary: t.summary.filter((p) => !gone.has(p.doc)),
    }))
    .filter((t) => t.points.length > 0);
}

/** Looked up by document slug: a Map, or an Overlay over a base library's. */
interface Lookup<V> extends Readable<string, V> {
  set(slug: string, value: V): unknown;
}

export interface ByDocument {
  points: Lookup<Point[]>;
  sentences: Lookup<Point[]>;
}

/** Each document's points and sentences; points come grouped by document, so each list is looked up once. */
export function groupByDocument(points: Iterable<Point>, into: ByDocument = { points: new Map(), sentences: new Map() }): ByDocument {
  let doc = '';
  let all: Point[] = [];
  let sentences: Point[] = [];
  for (const p of points) {
    if (p.doc !== doc) {
      doc = p.doc;
      all = into.points.get(doc) ?? [];
      sentences = into.sentences.get(doc) ?? [];
      into.points.set(doc, all);
      into.sentences.set(doc, sentences);
    }
    all.push(p);
    if (p.kind === 'sentence') sentences.push(p);
  }
  return into;
}
