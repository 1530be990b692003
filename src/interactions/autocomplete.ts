import { fold } from '../text/normalize.js';
import { oneLine } from '../text/plain.js';
import type { Library } from '../library.js';
import type { Doc } from '../types.js';
import { LIMITS, truncate } from '../replies/limits.js';
import type { Choice } from './command.js';

/**
 * Ranked like the best docs bots do it: exact, then prefix, then a word's
 * prefix, then substring; sensible choices on empty input; never more than
 * Discord accepts.
 */
export function rankByName<T>(items: readonly T[], partial: string, keys: (item: T) => string[]): T[] {
  return rankByNameIn([items], partial, keys);
}

/**
 * The same over a list given in parts (a server's view: the shared documents,
 * then its own), so each part's folded names are computed once and shared by
 * every list it is part of.
 */
export function rankByNameIn<T>(parts: readonly (readonly T[])[], partial: string, keys: (item: T) => string[]): T[] {
  const q = fold(partial.trim());
  if (!q) return parts.flat().slice(0, LIMITS.autocompleteChoices);
  const scored: { rank: number; i: number; item: T }[] = [];
  let offset = 0;
  for (const items of parts) {
    const names = foldedNames(items, keys);
    for (let i = 0; i < items.length; i++) {
      let rank = Infinity;
      for (const key of names[i]!) rank = Math.min(rank, rankOf(key, q));
      if (rank < Infinity) scored.push({ rank, i: offset + i, item: items[i]! });
    }
    offset += items.length;
  }
  return scored
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .slice(0, LIMITS.autocompleteChoices)
    .map((s) => s.item);
}

/** 0 exact, 1 prefix, 2 a word's prefix, 3 substring, Infinity no match; `key` and `q` folded. */
function rankOf(key: string, q: string): number {
  let at = key.indexOf(q);
  if (at < 0) return Infinity;
  if (at === 0) return key.length === q.length ? 0 : 1;
  for (; at > 0; at = key.indexOf(q, at + 1)) {
    const before = key.charCodeAt(at - 1);
    // A word starts after a space or a hyphen.
    if (before === 32 || before === 45) return 2;
  }
  return 3;
}

// Autocomplete runs on every keystroke over every document: fold each list's
// names once, in one pass, rather than per keystroke or per item (a per-item
// cache cost ~30 ms to fill for 6,600 documents, on the first keystroke).
// Callers pass the same `keys` function every time (a module-level constant).
const folded = new WeakMap<readonly unknown[], { keys: (item: never) => string[]; names: string[][] }>();

function foldedNames<T>(items: readonly T[], keys: (item: T) => string[]): string[][] {
  const cached = folded.get(items);
  if (cached && cached.keys === keys) return cached.names;
  const names = items.map((item) => keys(item).map(fold));
  folded.set(items, { keys: keys as (item: never) => string[], names });
  return names;
}

export function choice(name: string, value: string | number): Choice {
  return {
    // Only the start of a long passage can show: cut it before touching the rest.
    name: truncate(oneLine(name.slice(0, 4 * LIMITS.choiceName)) || String(value), LIMITS.choiceName),
    value: typeof value === 'string' ? value.slice(0, LIMITS.choiceValue) : value,
  };
}

// One function for every call, so the folded names are cached per library (see foldedNames).
const documentNames = (d: Doc) => [d.slug, d.meta.title];

export function documentChoices(library: Library, partial: string, only?: (doc: Doc) => boolean): Choice[] {
  return rankByNameIn(only ? [library.docs.filter(only)] : library.docParts, partial, documentNames).map((d) =>
    choice(`${d.meta.title} (${d.slug})`, d.slug),
  );
}

/**
 * Citations as the user types: a citation prefix lists matching citations,
 * anything else is searched and the best sentences are offered.
 */
export function citationChoices(library: Library, partial: string): Choice[] {
  const q = partial.trim().toLowerCase();
  const show = (citation: string, text: string) => choice(`${citation} — ${text}`, citation);
  if (!q) {
    // While a cold start builds topics a library-wide summary is not cheap yet: offer nothing rather than wait.
    if (library.topicsPending) return [];
    return library.summary(undefined, 5).map((p) => show(p.citation, p.text));
  }
  if (q.includes('#')) {
    const out: Choice[] = [];
    // A citation begins with its document's slug: look only there, not through every point of a large library.
    for (const p of library.pointsIn(q.slice(0, q.indexOf('#')))) {
      if (p.citation.startsWith(q)) out.push(show(p.citation, p.text));
      if (out.length >= LIMITS.autocompleteChoices) break;
    }
    return out;
  }
  const docMatches = library.docs.filter((d) => d.slug.startsWith(q)).slice(0, 5);
  const fromDocs = docMatches.map((d) => choice(`${d.slug}#p1 — ${d.meta.title}`, `${d.slug}#p1`));
  const hits = library.store.search(partial, { limit: LIMITS.autocompleteChoices - fromDocs.length }).hits;
  return [...fromDocs, ...hits.map((h) => show(h.point.citation, h.point.text))];
}
