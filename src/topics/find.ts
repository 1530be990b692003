import { slugifyOrEmpty } from '../documents/slug.js';
import { fold } from '../text/normalize.js';
import type { Topic } from '../types.js';

const norm = (s: string) => fold(s.trim()).replace(/\s+/g, ' ');

/**
 * The topic a user means: by id, then name (any case), then the first topic
 * whose name starts with the query (topics are ordered biggest first), then one
 * whose keywords include it ("US" finds "United States").
 */
export function findTopic(topics: readonly Topic[], query: string): Topic | undefined {
  const q = norm(query);
  if (!q) return undefined;
  const id = slugifyOrEmpty(q);
  return (
    topics.find((t) => t.id === q || t.id === id) ??
    topics.find((t) => norm(t.name) === q) ??
    topics.find((t) => norm(t.name).startsWith(q)) ??
    topics.find((t) => t.keywords.some((k) => norm(k) === q))
  );
}

/** Edit distance, giving up (returning max + 1) once it must exceed `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

function tier(topic: Topic, q: string): number {
  const name = norm(topic.name);
  if (name === q || topic.id === q) return 0;
  if (name.startsWith(q)) return 1;
  const words = name.split(/[\s-]+/);
  if (words.some((w) => w.startsWith(q))) return 2;
  if (name.includes(q)) return 3;
  const keywords = topic.keywords.map(norm);
  if (keywords.some((k) => k === q || k.startsWith(q))) return 4;
  // A typo in a word being typed: compare with the same-length start of each word.
  const max = q.length >= 8 ? 2 : q.length >= 4 ? 1 : 0;
  if (max > 0 && [...words, ...keywords].some((w) => distance(w.slice(0, q.length), q, max) <= max)) return 5;
  return -1;
}

const bySize = (a: Topic, b: Topic) =>
  b.points.length - a.points.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Autocomplete choices for a partly typed topic name: exact, then prefix, then
 * word-prefix and substring, then keyword, then near-miss spellings; the largest
 * topics first within each tier, and the largest overall for empty input.
 */
export function rankTopicsForAutocomplete(topics: readonly Topic[], partial: string, limit = 25): Topic[] {
  const q = norm(partial);
  if (!q) return [...topics].sort(bySize).slice(0, limit);
  return topics
    .map((t) => ({ t, tier: tier(t, q) }))
    .filter((x) => x.tier >= 0)
    .sort((a, b) => a.tier - b.tier || bySize(a.t, b.t))
    .slice(0, limit)
    .map((x) => x.t);
}
