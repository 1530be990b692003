import { STOPWORDS, words } from '../text/normalize.js';
import { lightStem } from '../text/stem.js';
import { ALIAS_GROUPS, type AliasGroup } from '../topics/aliases.js';

const cache = new WeakMap<object, readonly string[]>();

/** True when `contentTerms` keeps this folded word, given its light stem. */
export function isContentTerm(word: string, stem: string): boolean {
  return !STOPWORDS.has(word) && stem.length >= 2 && !STOPWORDS.has(stem) && !/^\d{1,2}$/.test(stem);
}

/**
 * Content terms of a text: folded words that are not stopwords, with light
 * stemming. Pure numbers under three digits are dropped (list markers, counts) but
 * years and figures stay, as they often carry the news.
 */
export function contentTerms(text: string): string[] {
  const out: string[] = [];
  for (const raw of words(text)) {
    const w = lightStem(raw);
    if (isContentTerm(raw, w)) out.push(w);
  }
  return out;
}

/** Records terms already computed elsewhere (the topic index tokenises every sentence anyway). */
export function primeTerms(point: { text: string }, terms: readonly string[]): void {
  cache.set(point, terms);
}

/** `contentTerms(point.text)`, memoised per object so topics and summaries share the work. */
export function termsOf(point: { text: string }): readonly string[] {
  let terms = cache.get(point);
  if (!terms) {
    terms = contentTerms(point.text);
    cache.set(point, terms);
  }
  return terms;
}

// --- one country, one term -------------------------------------------------------------

/** Prefix of a term that stands for an alias group ("@United States"), never a word. */
export const NAME_PREFIX = '@';

interface NameForm {
  group: AliasGroup;
  /** Case-sensitive, as the alias table writes it: "US" never matches the pronoun "us". */
  form: string;
}

let nameMatcher: { pattern: RegExp; forms: Map<string, NameForm> } | undefined;

function names() {
  if (nameMatcher) return nameMatcher;
  const forms = new Map<string, NameForm>();
  for (const group of ALIAS_GROUPS) for (const form of [group.name, ...group.terms]) if (!forms.has(form)) forms.set(form, { group, form });
  const alternatives = [...forms.keys()].sort((a, b) => b.length - a.length).map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // Whole words only, with a plural or possessive ("Russians", "America's").
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(${alternatives.join('|')})(?:['’]s|s)?(?![\\p{L}\\p{N}])`, 'gu');
  return (nameMatcher = { pattern, forms });
}

const namedCache = new WeakMap<object, readonly string[]>();

/**
 * `termsOf`, with each mention of a country (or union) by any of its names
 * folded into one term: "the US", "America" and "American" are one subject,
 * and "US" would otherwise be the stopword "us" and count for nothing. The
 * alias table is the topics' (src/topics/aliases.ts), with its case rules and
 * its exceptions ("Latin America" is not the United States).
 */
export function namedTermsOf(point: { text: string }): readonly string[] {
  let terms = namedCache.get(point);
  if (terms) return terms;
  const { pattern, forms } = names();
  const text = point.text;
  const found: { start: number; end: number; key: string }[] = [];
  for (const m of text.matchAll(pattern)) {
    const { group } = forms.get(m[1]!)!;
    const before = /([\p{L}]+)\W*$/u.exec(text.slice(Math.max(0, m.index - 30), m.index))?.[1]?.toLowerCase();
    const after = /^\W*([\p{L}]+)/u.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 30))?.[1]?.toLowerCase();
    if ((before && group.notAfter?.includes(before)) || (after && group.notBefore?.includes(after))) continue;
    found.push({ start: m.index, end: m.index + m[0].length, key: NAME_PREFIX + group.name });
  }
  if (found.length === 0) terms = termsOf(point);
  else {
    const out: string[] = [];
    let at = 0;
    for (const f of found) {
      out.push(...contentTerms(text.slice(at, f.start)), f.key);
      at = f.end;
    }
    out.push(...contentTerms(text.slice(at)));
    terms = out;
  }
  namedCache.set(point, terms);
  return terms;
}

/**
 * An idf over `namedTermsOf` terms from one over words: a name group weighs
 * what its commonest word does ("@Russia" as "russia" or "russian", whichever
 * is more frequent), so a country mentioned everywhere stays cheap.
 */
export function withNameIdf(idf: (term: string) => number): (term: string) => number {
  return (term) => {
    if (!term.startsWith(NAME_PREFIX)) return idf(term);
    const group = ALIAS_GROUPS.find((g) => NAME_PREFIX + g.name === term);
    let least = Infinity;
    for (const form of group ? [group.name, ...group.terms] : []) for (const w of contentTerms(form)) least = Math.min(least, idf(w));
    return Number.isFinite(least) ? least : idf(term);
  };
}
