/**
 * The core's data model. Everything here is plain data so the console, the CLI,
 * the tests and the Discord edge all see the same thing.
 */

export interface DocumentMeta {
  title: string;
  /** Canonical link to the original, when known. */
  source?: string;
  author?: string;
  /** ISO 8601 date (YYYY-MM-DD) as written in front matter. */
  published?: string;
  tags: string[];
  /** Set by ingest (later issue): who added it and when, and the body's content hash. */
  addedBy?: string;
  addedAt?: string;
  hash?: string;
}

export interface Paragraph {
  /** 1-based, counting body paragraphs only (never the title line or front matter). */
  index: number;
  /** Verbatim paragraph text, exactly as in the source (no trimming inside). */
  text: string;
  /** Verbatim sentences; joined they cover the paragraph's text apart from whitespace between them. */
  sentences: string[];
}

export interface Doc {
  /** Stable identifier used in citations: `<slug>#p3.s2`. */
  slug: string;
  /** Path relative to DATA_DIR, with forward slashes. */
  path: string;
  /** The Discord server whose own library holds it (`DATA_DIR/guilds/<id>/`); absent for the shared library. */
  guild?: string;
  meta: DocumentMeta;
  paragraphs: Paragraph[];
}

export type PointKind = 'sentence' | 'paragraph';

export interface Point {
  /** Dense index into the library's point array (not stable across libraries: never shown). */
  id: number;
  /** `<slug>#p<n>.s<m>` for sentences, `<slug>#p<n>` for paragraphs; 1-based. */
  citation: string;
  doc: string;
  kind: PointKind;
  paragraph: number;
  /** 1-based sentence number; absent for paragraph points. */
  sentence?: number;
  /** Verbatim source text. */
  text: string;
}

/** A half-open range [start, end) into a point's verbatim text. */
export type Range = readonly [number, number];

export interface SearchHit {
  point: Point;
  /** 0..1, higher is better. */
  score: number;
  /** Fraction of the query's words found in the point (1 = whole query). */
  coverage: number;
  /** Ranges of `point.text` that matched query words, sorted, non-overlapping. */
  highlights: Range[];
}

export interface SearchOptions {
  limit: number;
  /** Restrict to one document (slug). */
  document?: string;
}

export interface Suggestion {
  /** A phrase or word from the library that is close to what was asked. */
  text: string;
  /** How many points contain it. */
  count: number;
}

export interface Topic {
  /** URL-safe id (stable while the vocabulary is). */
  id: string;
  /** Human-readable name, e.g. "Energy deal". */
  name: string;
  keywords: string[];
  /** True when it comes from data/topics.json. */
  curated: boolean;
  /** Member sentence points, in library order. */
  points: Point[];
  /** Slugs of documents with at least one member point. */
  documents: string[];
  /** 2–5 member points chosen by centrality, in source order. */
  summary: Point[];
}
