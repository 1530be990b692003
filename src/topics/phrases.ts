/**
 * What kind of phrase a topic candidate is, as the text uses it: a name
 * ("Shehbaz Sharif", "SCO Summit"), a noun phrase ("strategic energy deal",
 * "wheat exports"), a lone common noun ("ties"), or something else (a verb,
 * an adjective, a fragment of a longer phrase: "mention", "joint", "Black" in
 * "Black communities", "Prime Minister" in "Prime Minister Imran Khan").
 *
 * The part-of-speech tagger reads a few of the sentences that use the
 * candidate; the kind is what most of those uses show. Only candidates that
 * may become topics are tagged (a few hundred, a few sentences each), so this
 * costs a fraction of a second even on a library of hundreds of thousands of
 * sentences, where tagging everything would take tens of seconds.
 */
import { tokenize, type Token } from '../text/normalize.js';
import { tag, type Pos, type Tagged } from '../text/nlp.js';
import type { Phrase, SentenceIndex } from './matcher.js';

export type PhraseKind = 'name' | 'phrase' | 'noun' | 'other';

/** Uses of a candidate the tagger reads, spread over its sentences. */
const SAMPLE = 6;
const NOMINAL: ReadonlySet<Pos> = new Set(['NOUN', 'PROPN']);
const MODIFIER: ReadonlySet<Pos> = new Set(['NOUN', 'PROPN', 'ADJ', 'NUM']);
/** Tokens a name may hold between its words ("Department of State", "North-South", "Putin's"). */
const JOINERS: ReadonlySet<Pos> = new Set(['PUNCT', 'PART', 'ADP', 'DET', 'CCONJ']);

/** Tags and token offsets of sentences, shared by every candidate that samples them. */
export class SentenceTags {
  private readonly tags = new Map<number, Tagged[]>();
  private readonly tokens = new Map<number, Token[]>();

  constructor(private readonly index: SentenceIndex) {}

  tagged(s: number): Tagged[] {
    let t = this.tags.get(s);
    if (!t) this.tags.set(s, (t = tag(this.index.sentences[s]!.text)));
    return t;
  }

  token(s: number, i: number): Token {
    let t = this.tokens.get(s);
    if (!t) this.tokens.set(s, (t = tokenize(this.index.sentences[s]!.text)));
    return t[i]!;
  }

  get size(): number {
    return this.tags.size;
  }
}

/**
 * The kind of one use, from the tags inside the phrase's span and the words
 * around it: a phrase whose last word modifies the next one ("strategic
 * energy" before "deal"), or a name that another name continues ("Department"
 * in "Department of Energy", "Affairs" in "Veterans Affairs"), is a fragment.
 */
/** The tokens around one use of a phrase. */
interface Around {
  prev?: Tagged;
  /** The token after the phrase (none after a possessive), then the two after that. */
  next?: Tagged;
  after: (Tagged | undefined)[];
}

/** A name that "of"/"for" joins to the name after it ("Department" of "Department of the Interior"). */
function joinedName(connector: Tagged | undefined, beyond: (Tagged | undefined)[]): boolean {
  if (!connector || !CONNECTORS.has(connector.norm)) return false;
  const [first, second] = beyond;
  return first?.pos === 'PROPN' || (first?.pos === 'DET' && second?.pos === 'PROPN');
}

function useKind(inside: readonly Tagged[], around: Around, words: number): PhraseKind {
  const core = inside.filter((t) => !JOINERS.has(t.pos));
  if (core.length === 0) return 'other';
  // Joiners only between words of a name, never at its edges.
  if (JOINERS.has(inside[0]!.pos) || (JOINERS.has(inside.at(-1)!.pos) && inside.at(-1)!.pos !== 'PART')) return 'other';
  const head = core.at(-1)!;
  if (!NOMINAL.has(head.pos) || core.some((t) => !MODIFIER.has(t.pos))) return 'other';
  const { prev, next } = around;
  // A count is not a subject ("two years"), and a modifier of a longer phrase is not its head.
  if (core[0]!.pos === 'NUM' || (next && NOMINAL.has(next.pos))) return 'other';
  if (inside.some((t) => t.pos === 'ADP' || t.pos === 'DET') && !core.every((t) => t.pos === 'PROPN')) return 'other';
  if (head.pos === 'PROPN' && core.every((t) => t.pos === 'PROPN' || t.pos === 'NUM')) {
    if (prev?.pos === 'PROPN' || joinedName(next, around.after)) return 'other';
    return 'name';
  }
  return words >= 2 ? 'phrase' : 'noun';
}

/** Words that join one name ("Department of Energy", "Council for …"), unlike "SCO Summit in Astana". */
export const CONNECTORS: ReadonlySet<string> = new Set(['of', 'for']);

/** Sentences this short ("(Applause.)", "MS.") are transcript furniture: their uses say nothing. */
const MIN_WORDS = 4;

/** One use of a candidate as the tagger reads it: the sentence's tokens, and the phrase's first and last. */
interface Use {
  tagged: Tagged[];
  first: number;
  last: number;
  /** The phrase's offsets in the sentence. */
  start: number;
  end: number;
}

/** Up to SAMPLE uses, the first in each of sentences spread over `members`. */
function* sampledUses(index: SentenceIndex, tags: SentenceTags, phrase: Phrase, members: readonly number[]): Generator<Use> {
  let uses = 0;
  const step = Math.max(1, Math.floor(members.length / SAMPLE));
  for (let k = 0; k < members.length && uses < SAMPLE; k += step) {
    const s = members[k]!;
    for (const i of index.positions(s, phrase)) {
      const start = tags.token(s, i).start;
      const end = tags.token(s, i + phrase.keys.length - 1).end;
      const tagged = tags.tagged(s).filter((t) => t.pos !== 'SPACE');
      if (tagged.filter((t) => t.pos !== 'PUNCT').length < MIN_WORDS) break;
      const first = tagged.findIndex((t) => t.end > start);
      if (first < 0) break;
      let last = first;
      while (last + 1 < tagged.length && tagged[last + 1]!.start < end) last++;
      uses++;
      yield { tagged, first, last, start, end };
      break;
    }
  }
}

/** Entity types that make a use a date or a time rather than a subject ("June", "This March"). */
const WHEN: ReadonlySet<string> = new Set(['DATE', 'TIME', 'DURATION']);

/**
 * The kind most of the candidate's sampled uses show; 'other' unless at least
 * half of them read as a noun phrase or a name. `proper` (capitalised
 * mid-sentence in most uses) makes a noun phrase a name. A use inside a date
 * the entity recogniser finds ("in June", "on March 3") is not a subject, and
 * one inside a longer word as the tagger splits words ("MS" of "MS-13",
 * "Harris Administration" of "Biden-Harris Administration") is a fragment.
 */
export function phraseKind(index: SentenceIndex, tags: SentenceTags, phrase: Phrase, members: readonly number[], proper: boolean): PhraseKind {
  const counts = { name: 0, phrase: 0, noun: 0, other: 0 };
  let uses = 0;
  for (const { tagged, first, last, start, end } of sampledUses(index, tags, phrase, members)) {
    uses++;
    const inside = tagged.slice(first, last + 1);
    if (tagged[first]!.start < start || tagged[last]!.end > end || inside.some((t) => t.entity !== undefined && WHEN.has(t.entity))) {
      counts.other++;
      continue;
    }
    // A possessive ends the phrase ("Putin's high hopes"): what follows it is not a continuation.
    const next = tagged[last + 1]?.pos === 'PART' ? undefined : tagged[last + 1];
    counts[useKind(inside, { prev: tagged[first - 1], next, after: [tagged[last + 2], tagged[last + 3]] }, phrase.keys.length)]++;
  }
  if (uses === 0 || counts.other * 2 > uses) return 'other';
  // A name when most of its noun-phrase uses are names ("North-South Transport Corridor" once and
  // "trade corridor" once leave "corridor" a common noun).
  if (counts.name > counts.noun + counts.phrase || (proper && counts.noun === 0)) return 'name';
  return phrase.keys.length >= 2 ? 'phrase' : 'noun';
}

/** Words a name may gain in front ("strategic" before "energy deal"): modifiers of the noun phrase. */
const EXTENDERS: ReadonlySet<Pos> = new Set(['ADJ', 'NOUN']);
/** Most words a noun phrase's name may gain. */
const MAX_EXTENSION = 2;

/**
 * The modifiers in front of a common-noun topic's phrase when most of its
 * sampled uses share them ("strategic" before "energy deal"), folded; the name
 * then is the whole noun phrase the text uses. Undefined when the uses
 * disagree or have none. The name only: membership stays the phrase's.
 */
export function fullNounPhrase(index: SentenceIndex, tags: SentenceTags, phrase: Phrase, members: readonly number[]): string | undefined {
  const fronts = new Map<string, number>();
  let uses = 0;
  for (const { tagged, first } of sampledUses(index, tags, phrase, members)) {
    uses++;
    let from = first;
    while (from > 0 && first - from < MAX_EXTENSION) {
      const t = tagged[from - 1]!;
      // Words right before it (no punctuation between), neither names nor dates ("Russian", "this week's").
      if (!EXTENDERS.has(t.pos) || t.entity !== undefined || tagged[from]!.start - t.end > 1 || /^\p{Lu}/u.test(t.text)) break;
      from--;
    }
    if (from === first) continue;
    const front = tagged.slice(from, first).map((t) => t.norm).join(' ');
    fronts.set(front, (fronts.get(front) ?? 0) + 1);
  }
  let best: [string, number] | undefined;
  for (const entry of fronts) if (!best || entry[1] > best[1]) best = entry;
  return best && best[1] >= 2 && best[1] * 2 > uses ? best[0] : undefined;
}
