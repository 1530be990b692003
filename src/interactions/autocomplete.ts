import { fold } from '../text/normalize.js';
import type { Library } from '../library.js';
import { LIMITS, truncate } from '../replies/limits.js';
import type { Choice } from './command.js';

/**
 * Ranked like the best docs bots do it: exact, then prefix, then substring;
 * sensible choices on empty input; never more than Discord accepts.
 */
export function rankByName<T>(
  items: readonly T[],
  partial: string,
  keys: (item: T) => string[],
): T[] {
  const q = fold(partial.trim());
  if (!q) return items.slice(0, LIMITS.autocompleteChoices);
  const scored: { item: T; rank: number; i: number }[] = [];
  items.forEach((item, i) => {
    let rank = Infinity;
    for (const { key, words } of foldedKeys(item, keys(item))) {
      if (key === q) rank = Math.min(rank, 0);
      else if (key.startsWith(q)) rank = Math.min(rank, 1);
      else if (words.some((w) => w.startsWith(q))) rank = Math.min(rank, 2);
      else if (key.includes(q)) rank = Math.min(rank, 3);
    }
    if (rank < Infinity) scored.push({ item, rank, i });
  });
  return scored
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .slice(0, LIMITS.autocompleteChoices)
    .map((s) => s.item);
}

interface FoldedKey {
  raw: string;
  key: string;
  words: string[];
}

// Autocomplete runs on every keystroke over every document: fold each name once, not per keystroke.
const folded = new WeakMap<object, FoldedKey[]>();

function foldedKeys(item: unknown, raw: string[]): FoldedKey[] {
  const cached = typeof item === 'object' && item !== null ? folded.get(item) : undefined;
  if (cached && cached.length === raw.length && cached.every((c, i) => c.raw === raw[i])) return cached;
  const out = raw.map((r) => {
    const key = fold(r);
    return { raw: r, key, words: key.split(/[\s-]+/) };
  });
  if (typeof item === 'object' && item !== null) folded.set(item, out);
  return out;
}

export function choice(name: string, value: string | number): Choice {
  return {
    name: truncate(name.replace(/\s+/g, ' ').trim() || String(value), LIMITS.choiceName),
    value: typeof value === 'string' ? value.slice(0, LIMITS.choiceValue) : value,
  };
}

export function documentChoices(library: Library, partial: string): Choice[] {
  return rankByName(library.docs, partial, (d) => [d.slug, d.meta.title]).map((d) =>
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
    return library.summary(undefined, 5).map((p) => show(p.citation, p.text));
  }
  if (q.includes('#')) {
    const out: Choice[] = [];
    for (const p of library.points) {
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
