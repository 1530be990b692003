import type { Point, Topic } from '../types.js';
import { parsePhrase, SentenceIndex } from './matcher.js';

/**
 * Adds newly indexed sentences to the existing topics whose keywords they
 * mention, without rebuilding topics over the whole library: an ingest into a
 * large library then still reports the topics the document joined. Choosing
 * new topics waits for the next full build.
 */
export function joinTopics(topics: readonly Topic[], added: readonly Point[]): Topic[] {
  const index = new SentenceIndex(added);
  if (index.sentences.length === 0) return [...topics];
  return topics.map((topic) => {
    const hits = new Set<number>();
    for (const keyword of topic.keywords) {
      const phrase = parsePhrase(keyword);
      if (phrase) for (const s of index.members(phrase)) hits.add(s);
    }
    if (hits.size === 0) return topic;
    return withMembers(topic, [...hits].sort((a, b) => a - b).map((s) => index.sentences[s]!));
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
