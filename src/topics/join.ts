import type { Point, Topic } from '../types.js';
import { parsePhrase, SentenceIndex } from './matcher.js';

/** Per topic keyword: the added sentences that mention it, as positions in the added points (ascending). */
export type KeywordMatches = ReadonlyMap<string, readonly number[]>;

/**
 * Which of `added`'s sentences mention each keyword. Reading the added text
 * is the slow part of joining topics (most of a second for a 10 MB document),
 * so a worker may work this out and hand over only the answer.
 */
export function keywordMatches(added: readonly Point[], keywords: Iterable<string>): Map<string, number[]> {
  const index = new SentenceIndex(added);
  const out = new Map<string, number[]>();
  if (index.sentences.length === 0) return out;
  // SentenceIndex numbers the sentences in order, skipping paragraphs: its sentence s is added[position[s]].
  const position: number[] = [];
  added.forEach((p, i) => {
    if (p.kind === 'sentence') position.push(i);
  });
  for (const keyword of keywords) {
    if (out.has(keyword)) continue;
    const phrase = parsePhrase(keyword);
    out.set(keyword, phrase ? index.members(phrase).map((s) => position[s]!) : []);
  }
  return out;
}

/**
 * Adds newly indexed sentences to the existing topics whose keywords they
 * mention, without rebuilding topics over the whole library: an ingest into a
 * large library then still reports the topics the document joined. Choosing
 * new topics waits for the next full build. `matched` is keywordMatches over
 * `added` when worked out already; keywords it lacks are looked up here.
 */
export function joinTopics(topics: readonly Topic[], added: readonly Point[], matched?: KeywordMatches): Topic[] {
  if (!added.some((p) => p.kind === 'sentence')) return [...topics];
  const missing = topics.flatMap((t) => t.keywords).filter((k) => !matched?.has(k));
  const here = missing.length > 0 ? keywordMatches(added, missing) : undefined;
  return topics.map((topic) => {
    const hits = new Set<number>();
    for (const keyword of topic.keywords) for (const i of matched?.get(keyword) ?? here?.get(keyword) ?? []) hits.add(i);
    if (hits.size === 0) return topic;
    return withMembers(topic, [...hits].sort((a, b) => a - b).map((i) => added[i]!));
  });
}

/**
 * The topic with `joined` as further members. Its lists are put together when
 * read, not held: every server's view joins its few sentences to the shared
 * library's large topics, and holding a copy of each joined topic's members
 * per view cost more memory than the rest of the view.
 */
function withMembers(topic: Topic, joined: readonly Point[]): Topic {
  const { points: _points, documents: _documents, ...rest } = topic;
  return {
    ...rest,
    get points() {
      return topic.points.concat(joined);
    },
    get documents() {
      return [...new Set([...topic.documents, ...joined.map((p) => p.doc)])];
    },
  };
}
