import type { Point, SearchHit, SearchOptions, Suggestion } from '../types.js';

export interface SearchResult {
  hits: SearchHit[];
  /** True when the best hit contains every content word of the query. */
  complete: boolean;
  /** Nearest phrasings from the library's own vocabulary, for misses and partial matches. */
  suggestions: Suggestion[];
}

/**
 * What commands need from a search backend. Commands only ever see this
 * interface, so the in-process store can be swapped for a sharded one or an
 * external engine (OpenSearch, Meilisearch…) without touching them.
 */
export interface PointStore {
  readonly size: number;
  search(query: string, options: SearchOptions): SearchResult;
  /** Terms from the library for completing a partial query word (autocomplete). */
  complete(prefix: string, limit: number): string[];
}

export type { Point };
