/**
 * Topics: what a library is about, named from its own vocabulary, each with the
 * sentences that mention it and an extractive summary.
 *
 * Candidates are words, two-word phrases and proper names (with country/demonym
 * aliases folded together). They are scored like TF-IDF over documents: Σ over
 * documents of the candidate's salience there (its share of the document's
 * sentences, dampened), times ln((N+1)/df)², so a topic must stand out within
 * documents and not be everywhere. The part-of-speech tagger then reads a few
 * uses of each leading candidate (phrases.ts): only names and noun phrases name
 * topics; lone common nouns may join one as keywords; verbs, adjectives and
 * fragments of longer names drop out.
 * The best candidates get members by keyword lookup, near-duplicates are merged,
 * and the list is capped (12 for one document, growing with √N up to 50).
 *
 * Cost is linear in the text: one tokenising pass builds the sentence index and
 * the candidate counts; membership uses postings of the rarest word of each
 * keyword, and merging compares only the few accepted topics.
 */
import { slugifyOrEmpty } from '../documents/slug.js';
import { summarize, termsOf } from '../summary/index.js';
import { fold } from '../text/normalize.js';
import type { Doc, Point, Topic } from '../types.js';
import { ALIAS_GROUPS, type AliasGroup } from './aliases.js';
import { ALLCAPS, BREAK, CAP, CaseRule, HYPHEN, INITIAL, LABEL, SentenceIndex, STOP, parsePhrase, type Phrase } from './matcher.js';
import { CONNECTORS, fullNounPhrase, phraseKind, SentenceTags, type PhraseKind } from './phrases.js';

export { loadCuratedTopics } from './curated.js';
export { findTopic, rankTopicsForAutocomplete } from './find.js';

export interface BuildTopicsInput {
  docs: Doc[];
  points: readonly Point[];
  /** Curated topics, name → keywords (from data/topics.json). */
  curated?: Record<string, string[]>;
}

/** Share of a document's sentences at which a candidate's salience there is ln 2. */
const SALIENCE_SCALE = 10;
/** A topic needs at least this many member sentences. */
const MIN_SUPPORT = 2;
const TOPICS_PER_DOC = 12;
const MAX_TOPICS = 50;
/** Candidates considered per topic slot: many are verbs, adjectives or lone nouns and drop out. */
const POOL_PER_TOPIC = 6;
/**
 * Member-set Jaccard at or above which two topics are one: against the whole
 * topic, or against one keyword of it sharing a word with the candidate
 * ("Energy" joins "Energy deal" even after "deal" widened that topic).
 */
const MERGE_JACCARD = 0.6;
/** Share of an automatic topic's members inside a curated topic that makes it redundant. */
const CURATED_COVERAGE = 0.75;
/** In libraries of at least this many documents, words in over half of them are not distinctive. */
const MIN_DOCS_FOR_SHARE = 10;
const MAX_DOC_SHARE = 0.5;
/** A name-like candidate is capitalised in this share of its mid-sentence uses. */
const PROPER_SHARE = 0.7;
/**
 * How strongly distinctiveness counts against support: the score is
 * spread × idf^IDF_POWER. With power 1, Σ tf-idf peaks for words in ~37% of
 * documents ("support", "communities"); squared, the peak moves to ~14%, where
 * subjects like "Ukraine" or "Supply chain" sit.
 */
const IDF_POWER = 2;
/** A capitalised word followed by another capitalised word this often is part of longer names. */
const NAME_PREFIX_SHARE = 0.5;
/** Stopwords that can begin a name ("New York", "New Delhi"). */
const NAME_STOPWORDS = new Set(['new']);
/**
 * Topic members already share the subject, so position matters less than in a
 * document summary: the prior only breaks near-ties toward early mentions.
 */
const TOPIC_POSITION_WEIGHT = 0.3;
/** Content words a sentence needs to be quoted in a topic summary (when enough have them). */
const MIN_SUMMARY_TERMS = 8;
/** Longest proper-name run kept as one candidate ("North-South Transport Corridor"). */
const MAX_NAME_TOKENS = 5;

interface CandidateStats {
  /** Sentences using it. */
  sf: number;
  /** Documents using it. */
  df: number;
  /** Σ over documents of its salience there (see salience()). */
  spread: number;
  /** Sentences using it not at a sentence or quotation start; how many of those capitalised it, and how many in capitals. */
  mid: number;
  capMid: number;
  upperMid: number;
  /** Sentences where it is capitalised and followed by another capitalised word. */
  leadsName: number;
  lastDoc: number;
  docSf: number;
}

interface Draft {
  label: string;
  phrases: Phrase[];
  /** Keyword texts for Topic.keywords. */
  keywords: string[];
  members: number[];
  /** Phrase candidates merged in, best first, for naming. */
  parts: { key: string; members: number[]; tokens: number; phrase: Phrase; proper: boolean; names: boolean }[];
  group?: AliasGroup;
  curated: boolean;
}

/** Builds curated and automatic topics for a library. Deterministic for a given input. */
export function buildTopics(input: BuildTopicsInput): Topic[] {
  const index = new SentenceIndex(input.points);
  const aliases = aliasMatcher();

  const curated = curatedDrafts(index, aliases, input.curated ?? {});
  const automatic = automaticDrafts(index, aliases);

  const curatedNames = new Set(curated.map((d) => fold(d.label)));
  const curatedIds = new Set(curated.map((d) => topicId(d.label)));
  const curatedSets = curated.map((d) => new Set(d.members));
  const kept = automatic.filter((d) => {
    if (curatedNames.has(fold(d.label)) || curatedIds.has(topicId(d.label))) return false;
    return !curatedSets.some((set) => {
      let inside = 0;
      for (const m of d.members) if (set.has(m)) inside++;
      return inside >= CURATED_COVERAGE * d.members.length;
    });
  });

  const idf = sentenceIdf(index);
  const topics = [...curated, ...kept].map((d) => toTopic(index, d, idf));
  topics.sort(
    (a, b) =>
      Number(b.curated) - Number(a.curated) ||
      b.points.length - a.points.length ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const ids = new Set<string>();
  for (const t of topics) {
    let id = t.id;
    for (let n = 2; ids.has(id); n++) id = `${t.id}-${n}`;
    ids.add(id);
    t.id = id;
  }
  return topics;
}

/** URL-safe id from a name; names without Latin letters or digits get a generic one. */
function topicId(name: string): string {
  return slugifyOrEmpty(name) || 'topic';
}

/** Library-wide IDF over sentences, keyed like `contentTerms`, for topic summaries. */
function sentenceIdf(index: SentenceIndex): (term: string) => number {
  const n = index.size;
  return (term) => {
    const df = index.frequency(term);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  };
}

function toTopic(index: SentenceIndex, d: Draft, idf: (t: string) => number): Topic {
  const points = d.members.map((s) => index.sentences[s]!);
  const documents = [...new Set(points.map((p) => p.doc))];
  return {
    id: topicId(d.label),
    name: d.label,
    keywords: d.keywords,
    curated: d.curated,
    points,
    documents,
    summary: summarize(summaryCandidates(points), { max: 5, idf, positionWeight: TOPIC_POSITION_WEIGHT }),
  };
}

/**
 * A topic summary quotes sentences out of their documents, so it wants ones that
 * stand alone: not questions, and with some substance (short sentences win on
 * cosine merely by being nothing but the topic word: "And now we have the war in
 * the Ukraine."). Falls back to all members when too few qualify.
 */
function summaryCandidates(points: Point[]): Point[] {
  const good = points.filter((p) => !/\?["'”’)]*\s*$/.test(p.text) && termsOf(p).length >= MIN_SUMMARY_TERMS);
  return good.length >= 2 ? good : points;
}

// --- aliases -----------------------------------------------------------------------

interface AliasMatcher {
  /** Alias phrases by first key, longest first. */
  byFirst: Map<string, { group: AliasGroup; phrase: Phrase }[]>;
  phrases: Map<AliasGroup, Phrase[]>;
  /** The group a keyword (as typed, any case) names, if any. */
  groupOf(keyword: string): AliasGroup | undefined;
}

let aliasCache: AliasMatcher | undefined;

function aliasMatcher(): AliasMatcher {
  if (aliasCache) return aliasCache;
  const byFirst = new Map<string, { group: AliasGroup; phrase: Phrase }[]>();
  const phrases = new Map<AliasGroup, Phrase[]>();
  const byKeys = new Map<string, AliasGroup>();
  for (const group of ALIAS_GROUPS) {
    const list: Phrase[] = [];
    for (const term of [group.name, ...group.terms]) {
      const phrase = parsePhrase(term, group.notAfter, group.notBefore);
      if (!phrase || list.some((p) => p.keys.join(' ') === phrase.keys.join(' ') && p.case === phrase.case)) continue;
      list.push(phrase);
      const first = phrase.keys[0]!;
      const entries = byFirst.get(first) ?? [];
      entries.push({ group, phrase });
      entries.sort((a, b) => b.phrase.keys.length - a.phrase.keys.length);
      byFirst.set(first, entries);
      // "us" typed in lower case is still the pronoun; only exact-case acronyms name the group.
      const key = phrase.case === CaseRule.AllCaps ? term : phrase.keys.join(' ');
      if (!byKeys.has(key)) byKeys.set(key, group);
    }
    phrases.set(group, list);
  }
  aliasCache = {
    byFirst,
    phrases,
    groupOf(keyword) {
      const phrase = parsePhrase(keyword);
      if (!phrase) return undefined;
      return phrase.case === CaseRule.AllCaps ? byKeys.get(keyword.trim()) : byKeys.get(phrase.keys.join(' '));
    },
  };
  return aliasCache;
}

// --- curated -----------------------------------------------------------------------

function curatedDrafts(index: SentenceIndex, aliases: AliasMatcher, curated: Record<string, string[]>): Draft[] {
  const drafts: Draft[] = [];
  for (const [name, keywords] of Object.entries(curated)) {
    const phrases: Phrase[] = [];
    for (const keyword of keywords) {
      const group = aliases.groupOf(keyword);
      if (group) {
        phrases.push(...aliases.phrases.get(group)!);
        continue;
      }
      const phrase = parsePhrase(keyword);
      if (!phrase) continue;
      // Curators capitalise for neatness; only short all-caps acronyms ("IT", "WHO") keep their case.
      const acronym = phrase.case === CaseRule.AllCaps && keyword.replace(/[^\p{L}]/gu, '').length <= 5;
      phrases.push({ ...phrase, case: acronym ? CaseRule.AllCaps : CaseRule.Any });
    }
    drafts.push({
      label: name.trim(),
      phrases,
      keywords: [...keywords],
      members: unionMembers(index, phrases),
      parts: [],
      curated: true,
    });
  }
  return drafts;
}

function unionMembers(index: SentenceIndex, phrases: readonly Phrase[]): number[] {
  if (phrases.length === 1) return index.members(phrases[0]!);
  const all = new Set<number>();
  for (const phrase of phrases) for (const s of index.members(phrase)) all.add(s);
  return [...all].sort((a, b) => a - b);
}

// --- automatic ---------------------------------------------------------------------

const ALIAS_PREFIX = '@';

// Per-key properties, computed once per distinct key rather than per token.
const K_CONTENT = 1; // may be (part of) a topic: not a number, at least 3 letters
const K_SHORT = 2; // two characters: a topic only as an acronym ("AI", "EU")
const K_CONNECTOR = 16;
const K_NAMEWORD = 32;
const K_RARE = 64; // in fewer sentences than MIN_SUPPORT: no candidate containing it can qualify

function keyInfo(index: SentenceIndex): Uint8Array {
  const info = new Uint8Array(index.keyNames.length);
  index.keyNames.forEach((key, id) => {
    let f = 0;
    if (!/^\d+(?:[.,]\d+)*$/.test(key)) {
      if (key.length >= 3) f |= K_CONTENT;
      else if (key.length === 2) f |= K_SHORT;
    }
    if (CONNECTORS.has(key)) f |= K_CONNECTOR;
    if (NAME_STOPWORDS.has(key)) f |= K_NAMEWORD;
    if (index.frequencyOfId(id) < MIN_SUPPORT) f |= K_RARE;
    info[id] = f;
  });
  return info;
}

/**
 * Counts candidate topics in one pass over the index. Keys are numbers while
 * counting (a word's id; a pair's ids combined; an alias group's negative index),
 * which keeps hundreds of thousands of candidates cheap; only the well-supported
 * ones are turned into strings at the end.
 */
function countCandidates(index: SentenceIndex, aliases: AliasMatcher): Map<string, CandidateStats> {
  const info = keyInfo(index);
  const V = index.keyNames.length;
  const stats = new Map<number, CandidateStats>();
  const names = new Map<string, CandidateStats>();
  const docOrdinal = new Map<string, number>();
  const docLength: number[] = [];
  // Per sentence: candidates seen, with their most emphatic mid-sentence case
  // (-1: only at a start, 0: lower case, 1: Capitalised, 2: ALL CAPS).
  const capital = new Map<number | string, number>();
  const leading = new Set<number>();
  const aliasByFirst = new Map<number, { group: number; phrase: Phrase }[]>();
  for (const [key, entries] of aliases.byFirst) {
    const id = index.idOf(key);
    if (id >= 0) aliasByFirst.set(id, entries.map((e) => ({ group: ALIAS_GROUPS.indexOf(e.group), phrase: e.phrase })));
  }

  const bump = (st: CandidateStats, doc: number) => {
    st.sf++;
    if (st.lastDoc !== doc) {
      if (st.docSf > 0) st.spread += salience(st.docSf, docLength[st.lastDoc]!);
      st.df++;
      st.lastDoc = doc;
      st.docSf = 0;
    }
    st.docSf++;
  };
  const fresh = (): CandidateStats => ({ sf: 0, df: 0, spread: 0, mid: 0, capMid: 0, upperMid: 0, leadsName: 0, lastDoc: -1, docSf: 0 });
  const count = (key: number | string, doc: number, cap: number) => {
    const before = capital.get(key);
    if (before !== undefined) {
      // Once per sentence, keeping its most emphatic case.
      if (cap > before) capital.set(key, cap);
      return;
    }
    capital.set(key, cap);
    const table = typeof key === 'number' ? stats : names;
    let st = (table as Map<number | string, CandidateStats>).get(key);
    if (!st) (table as Map<number | string, CandidateStats>).set(key, (st = fresh()));
    bump(st, doc);
  };
  const statOf = (key: number | string) => (typeof key === 'number' ? stats.get(key) : names.get(key))!;

  for (let s = 0; s < index.size; s++) {
    const slug = index.sentences[s]!.doc;
    let doc = docOrdinal.get(slug);
    if (doc === undefined) {
      docOrdinal.set(slug, (doc = docOrdinal.size));
      docLength.push(index.docSentences.get(slug) ?? 1);
    }
    const ids = index.ids(s);
    const flags = index.flags(s);
    const n = ids.length;
    const used = new Uint8Array(n);
    capital.clear();

    for (let i = 0; i < n && flags[i]! & LABEL; i++) used[i] = 1;

    for (let i = 0; i < n; i++) {
      for (const { group, phrase } of aliasByFirst.get(ids[i]!) ?? []) {
        if (!index.matchesAt(s, i, phrase)) continue;
        count(-1 - group, doc, -1);
        used.fill(1, i, i + phrase.keys.length);
        i += phrase.keys.length - 1;
        break;
      }
    }

    const content = (i: number) => {
      if (used[i]) return false;
      const k = info[ids[i]!]!;
      if (k & K_RARE) return false;
      if (flags[i]! & STOP) return (k & K_NAMEWORD) !== 0 && (flags[i]! & CAP) !== 0;
      // Acronyms that spell a stopword ("US", "IT") are left to the alias table.
      return (k & K_CONTENT) !== 0 || ((k & K_SHORT) !== 0 && (flags[i]! & ALLCAPS) !== 0);
    };
    const caseAt = (i: number) => {
      const f = flags[i]!;
      return f & INITIAL ? -1 : f & ALLCAPS ? 2 : f & CAP ? 1 : 0;
    };
    for (let i = 0; i < n; i++) {
      if (!content(i)) continue;
      const id = ids[i]!;
      const generic = info[id]! & K_NAMEWORD;
      const pairNext = i + 1 < n && content(i + 1) && !(flags[i + 1]! & BREAK);
      // Halves of a hyphenated compound ("Indo-Pacific") are not topics by themselves.
      const hyphenated = (pairNext && flags[i + 1]! & HYPHEN) || (i > 0 && flags[i]! & HYPHEN && content(i - 1));
      if (!generic && !hyphenated) {
        count(id, doc, caseAt(i));
        // A capitalised word usually followed by another is a first name or a title
        // fragment ("John", "Advisor"): the full name is the candidate.
        if (flags[i]! & CAP && !(flags[i]! & INITIAL) && i + 1 < n && !(flags[i + 1]! & BREAK) && flags[i + 1]! & CAP) leading.add(id);
      }
      if (pairNext) {
        const next = ids[i + 1]!;
        if (!(generic && info[next]! & K_NAMEWORD)) {
          const first = caseAt(i);
          count(V + id * V + next, doc, first < 0 ? -1 : Math.min(first, caseAt(i + 1)));
        }
      }
    }

    // Longer names: runs of capitalised words, possibly joined by "of"/"for".
    for (let i = 0; i < n; ) {
      if (!content(i) || !(flags[i]! & CAP)) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < n && !(flags[j]! & BREAK)) {
        if (content(j) && flags[j]! & CAP) j++;
        else if (info[ids[j]!]! & K_CONNECTOR && j + 1 < n && content(j + 1) && flags[j + 1]! & CAP && !(flags[j + 1]! & BREAK)) j += 2;
        else break;
      }
      const from = i;
      if (j - from >= 3 && j - from <= MAX_NAME_TOKENS) {
        count(Array.from(ids.subarray(from, j)).join(','), doc, flags[from]! & INITIAL ? -1 : 1);
      }
      i = j;
    }

    for (const id of leading) stats.get(id)!.leadsName++;
    leading.clear();
    for (const [key, cap] of capital) {
      if (cap < 0) continue;
      const st = statOf(key);
      st.mid++;
      if (cap >= 1) st.capMid++;
      if (cap === 2) st.upperMid++;
    }
  }

  const out = new Map<string, CandidateStats>();
  const finish = (st: CandidateStats) => {
    if (st.docSf > 0) st.spread += salience(st.docSf, docLength[st.lastDoc]!);
    st.docSf = 0;
    return st.sf >= MIN_SUPPORT;
  };
  for (const [key, st] of stats) {
    if (!finish(st)) continue;
    if (key < 0) out.set(ALIAS_PREFIX + ALIAS_GROUPS[-1 - key]!.name, st);
    else if (key < V) out.set(index.keyNames[key]!, st);
    else out.set(`${index.keyNames[Math.floor((key - V) / V)]} ${index.keyNames[(key - V) % V]}`, st);
  }
  for (const [key, st] of names) {
    if (finish(st)) out.set(key.split(',').map((id) => index.keyNames[Number(id)]).join(' '), st);
  }
  return out;
}

/**
 * How much a candidate stands out in one document: the share of its sentences
 * that use it, dampened. Relative rather than absolute, so a short article's
 * subject ("energy deal" in 3 of 24 sentences) weighs what a long briefing's
 * does, and topics already found do not give way to whatever long documents
 * arrive next; a word that turns up once in many long documents counts for
 * little in each.
 */
function salience(sentences: number, docSentences: number): number {
  return Math.log(1 + (SALIENCE_SCALE * sentences) / docSentences);
}

function automaticDrafts(index: SentenceIndex, aliases: AliasMatcher): Draft[] {
  const stats = countCandidates(index, aliases);
  const nDocs = index.docSentences.size;
  if (nDocs === 0) return [];
  const limit = Math.min(MAX_TOPICS, Math.round(TOPICS_PER_DOC * Math.sqrt(nDocs)));

  const scored: { key: string; score: number; proper: boolean; caps: boolean; tokens: number }[] = [];
  for (const [key, st] of stats) {
    if (st.sf < MIN_SUPPORT) continue;
    if (nDocs >= MIN_DOCS_FOR_SHARE && st.df > MAX_DOC_SHARE * nDocs) continue;
    const isAlias = key.startsWith(ALIAS_PREFIX);
    const words = isAlias ? [] : key.split(' ');
    const proper = isAlias || (st.mid > 0 && st.capMid >= PROPER_SHARE * st.mid);
    if (!isAlias && words.length === 1 && proper && st.leadsName >= NAME_PREFIX_SHARE * st.mid) continue;
    const idf = Math.log((nDocs + 1) / st.df) ** IDF_POWER;
    const weight = proper ? 1.5 : words.length >= 2 ? 1.3 : 1;
    const caps = !isAlias && st.mid > 0 && st.upperMid >= PROPER_SHARE * st.mid;
    scored.push({ key, score: st.spread * idf * weight, proper, caps, tokens: Math.max(1, words.length) });
  }
  scored.sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const groups = new Map(ALIAS_GROUPS.map((g) => [ALIAS_PREFIX + g.name, g]));
  const tags = new SentenceTags(index);
  const drafts: Draft[] = [];
  const candidates = scored.slice(0, limit * POOL_PER_TOPIC).flatMap((cand) => {
    const group = groups.get(cand.key);
    const phrases: Phrase[] = group
      ? aliases.phrases.get(group)!
      : [{ keys: cand.key.split(' '), case: cand.caps ? CaseRule.AllCaps : cand.proper ? CaseRule.Capitalised : CaseRule.Any }];
    const members = unionMembers(index, phrases);
    if (members.length < MIN_SUPPORT) return [];
    // Verbs, adjectives and fragments of longer phrases never become topics, nor join one.
    let kind: PhraseKind = group ? 'name' : phraseKind(index, tags, phrases[0]!, members, cand.proper);
    // A capital at a sentence's start says nothing: one word is a name only if capitalised mid-sentence too ("Officials said …").
    if (kind === 'name' && cand.tokens === 1 && !cand.proper) kind = 'noun';
    if (kind === 'other') return [];
    return [{ cand, group, phrases, members, kind }];
  });
  // Names and noun phrases first; then lone common nouns ("energy", "ties"), which
  // only join a topic that uses the same sentences and never name one.
  for (const pass of ['topics', 'keywords'] as const) {
    for (const { cand, group, phrases, members, kind } of candidates) {
      if ((kind === 'noun') !== (pass === 'keywords')) continue;
      const part = { key: cand.key, members, tokens: cand.tokens, phrase: phrases[0]!, proper: cand.proper, names: kind !== 'noun' };
      const words = new Set(phrases[0]!.keys);
      const twin = drafts.find(
        (d) =>
          // Two countries stay two topics however often they are mentioned together.
          !(group && d.group) &&
          (jaccard(d.members, members, MERGE_JACCARD) >= MERGE_JACCARD ||
            (!group &&
              d.parts.some(
                (p) => p.phrase.keys.some((k) => words.has(k)) && jaccard(p.members, members, MERGE_JACCARD) >= MERGE_JACCARD,
              ))),
      );
      if (twin) {
        // Same sentences under another word: one topic with both keywords.
        twin.members = mergeSorted(twin.members, members);
        twin.phrases.push(...phrases);
        twin.parts.push(part);
        if (group) twin.group = group;
        continue;
      }
      if (pass === 'keywords' || drafts.length >= limit) continue;
      drafts.push({ label: '', phrases: [...phrases], keywords: [], members, parts: [part], group, curated: false });
    }
  }

  for (const d of drafts) {
    if (d.group) {
      d.label = d.group.name;
      d.keywords = [...d.group.terms];
      for (const p of d.parts) if (!p.key.startsWith(ALIAS_PREFIX)) d.keywords.push(surfaceOf(index, p.phrase, p.proper));
      continue;
    }
    // Name after the most specific keyword that still covers half the topic:
    // "Energy deal" rather than "Energy" when the two were merged.
    const best = d.parts.filter((p) => p.names).sort((a, b) => {
      const aOk = a.members.length * 2 >= d.members.length ? 1 : 0;
      const bOk = b.members.length * 2 >= d.members.length ? 1 : 0;
      return bOk - aOk || b.tokens - a.tokens;
    })[0]!;
    const surface = surfaceOf(index, best.phrase, best.proper);
    // A common noun phrase is named as the text mostly writes it, modifiers and all ("Strategic energy deal").
    const front = best.proper ? undefined : fullNounPhrase(index, tags, best.phrase, best.members);
    d.label = displayName(front ? `${front} ${surface}` : surface);
    d.keywords = d.parts.map((p) => surfaceOf(index, p.phrase, p.proper));
  }
  return drafts;
}

/** The phrase's most common spelling in the text; lower-cased unless it is a name. */
function surfaceOf(index: SentenceIndex, phrase: Phrase, proper: boolean): string {
  const counts = new Map<string, number>();
  let checked = 0;
  for (const s of index.members(phrase)) {
    for (const i of index.positions(s, phrase)) {
      const text = index.surface(s, i, i + phrase.keys.length).replace(/\s+/g, ' ');
      const shown = proper ? text : text.toLowerCase();
      counts.set(shown, (counts.get(shown) ?? 0) + 1);
    }
    if (++checked >= 200) break;
  }
  let best = phrase.keys.join(' ');
  let most = 0;
  for (const [text, n] of counts) {
    if (n > most || (n === most && text < best)) {
      best = text;
      most = n;
    }
  }
  return best.replace(/['’]s$/u, '');
}

function displayName(surface: string): string {
  return surface.charAt(0).toUpperCase() + surface.slice(1);
}

/** Jaccard similarity of two ascending lists; 0 early when it cannot reach `atLeast`. */
function jaccard(a: readonly number[], b: readonly number[], atLeast: number): number {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  if (small.length < atLeast * large.length) return 0;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < small.length && j < large.length) {
    if (small[i] === large[j]) {
      shared++;
      i++;
      j++;
    } else if (small[i]! < large[j]!) i++;
    else j++;
  }
  return shared / (small.length + large.length - shared);
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x < y)) {
      out.push(x!);
      i++;
    } else if (x === undefined || y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}
