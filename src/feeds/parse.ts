import { DetectError, parseFeed, type AtomFeed, type JsonFeed, type RdfFeed, type RssFeed } from 'feedsmith';
import { parseHTML } from 'linkedom';
import { htmlToText } from '../documents/html.js';
import { decodeText } from '../ingest/decode.js';
import { IngestRefusal } from '../ingest/errors.js';

/** One entry of a feed, in the shape the poller needs whatever the format. */
export interface FeedItem {
  /** What identifies the item across polls: its guid or id, else its link. */
  key: string;
  /** The article page (absolute http(s)), when the item has one. */
  link?: string;
  title?: string;
  /** ISO 8601, when the item is dated. */
  published?: string;
  /** The item's own text as HTML, when the feed carries more than a teaser. */
  content?: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf' | 'json';
  title: string;
  /** The site the feed belongs to. */
  siteUrl?: string;
  /** Newest first. */
  items: FeedItem[];
}

/** The feed could not be used: the message says why, in words for the people who follow it. */
export class FeedRefusal extends IngestRefusal {
  override name = 'FeedRefusal';
}

/** Item text shorter than this is a teaser: the article page is fetched instead. */
export const MIN_CONTENT_CHARS = 500;
/** Keys longer than this are cut (a guid is an id, not a document). */
const MAX_KEY_CHARS = 1000;
/** What a page's `<link rel="alternate" type="…">` says when it points to a feed. */
const FEED_TYPES = /^application\/(?:rss|atom|rdf|feed)\+(?:xml|json)$/i;

/** A media type that says "feed", for the Accept header and page discovery. */
export const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, application/json;q=0.7, text/html;q=0.5';

/**
 * Bytes to a feed, by a maintained parser (feedsmith: RSS 2.0, Atom 1.0, RDF
 * and JSON Feed). Refused with a reason: empty, not text, declaring its own
 * XML entities (the "billion laughs" bomb: feedsmith never expands them, but a
 * feed that declares them is hostile or broken either way), malformed, or not
 * a feed at all.
 */
export function parseFeedBytes(bytes: Uint8Array, feedUrl: string): ParsedFeed {
  if (bytes.length === 0) throw new FeedRefusal('The feed address returned nothing.');
  let text: string;
  try {
    text = decodeText(bytes).text;
  } catch {
    throw new FeedRefusal('The feed address returned binary data, not a feed.');
  }
  if (declaresEntities(text)) {
    throw new FeedRefusal('The feed declares its own XML entities (<!ENTITY>), the mark of an “XML bomb”; it was refused unread.');
  }
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(text);
  } catch (err) {
    if (err instanceof DetectError) throw new FeedRefusal(notAFeed(text));
    throw new FeedRefusal(`The feed is malformed and could not be read (${(err as Error).message.slice(0, 120)}).`);
  }
  return normalise(parsed, feedUrl);
}

/** The part before the first element: where a DTD, and so any entity declaration, must be. */
function declaresEntities(text: string): boolean {
  const root = text.search(/<[A-Za-z_]/);
  const prolog = root < 0 ? text : text.slice(0, root);
  return /<!ENTITY/i.test(prolog);
}

function notAFeed(text: string): string {
  const head = text.slice(0, 2000).trimStart();
  if (/^(?:<!doctype\s+html|<html[\s>])/i.test(head) || /<html[\s>]/i.test(head)) {
    return 'That address is a web page that does not advertise a feed (no <link rel="alternate"> to RSS, Atom or JSON Feed).';
  }
  if (head.startsWith('{') || head.startsWith('[')) return 'That address returned JSON that is not a JSON Feed.';
  if (head.startsWith('<')) return 'That address returned XML that is not an RSS, Atom or RDF feed.';
  return 'That address did not return a feed (RSS, Atom, RDF or JSON Feed).';
}

/** Feed addresses a web page advertises with `<link rel="alternate" type="application/rss+xml" href="…">`, best first. */
export function discoverFeeds(html: string, pageUrl: string): string[] {
  let document: ReturnType<typeof parseHTML>['document'];
  try {
    ({ document } = parseHTML(html));
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const link of document.querySelectorAll('link[rel][href][type]')) {
    const rel = (link.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (link.getAttribute('type') ?? '').trim();
    if (!rel.includes('alternate') || !FEED_TYPES.test(type)) continue;
    const href = absolute(link.getAttribute('href') ?? '', pageUrl);
    if (href && !found.includes(href)) found.push(href);
  }
  return found;
}

/** True when the bytes look like a web page rather than a feed (so a page that advertises its feed can be followed). */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 2048)).toString('latin1').trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || /<html[\s>]/.test(head);
}

function absolute(href: string, base: string): string | undefined {
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Titles may be HTML (Atom's type="html", RSS in practice): shown as plain text. */
function plain(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = /[<&]/.test(value) ? htmlToText(`<p>${value}</p>`).text : value;
  const one = text.replace(/\s+/g, ' ').trim();
  return one || undefined;
}

function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string' && !(value instanceof Date)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Plain text (JSON Feed's content_text, Atom's type="text") as paragraphs of HTML. */
function textAsHtml(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('\n');
}

/** Full content only: a teaser is no substitute for the article page. */
function fullContent(html: string | undefined, hasLink: boolean): string | undefined {
  if (!html?.trim()) return undefined;
  if (!hasLink) return html;
  return htmlToText(html).text.length >= MIN_CONTENT_CHARS ? html : undefined;
}

function item(raw: { id?: string; link?: string; title?: string; published?: unknown; content?: string; summary?: string }, feedUrl: string): FeedItem | undefined {
  const link = raw.link ? absolute(raw.link, feedUrl) : undefined;
  const key = (raw.id?.trim() || link)?.slice(0, MAX_KEY_CHARS);
  if (!key) return undefined;
  // An item without a page still has its own text, teaser or not.
  const content = fullContent(raw.content, Boolean(link)) ?? (link ? undefined : fullContent(raw.summary, false));
  return { key, link, title: plain(raw.title), published: isoDate(raw.published), content };
}

function rssItems(items: RssFeed.Item<string>[] | RdfFeed.Item<string>[], feedUrl: string): FeedItem[] {
  return items.flatMap((i) => {
    const guid = 'guid' in i ? i.guid : undefined;
    const rdfAbout = 'rdf' in i ? (i.rdf as { about?: string } | undefined)?.about : undefined;
    // A permalink guid is the item's address when it has no <link>.
    const link = i.link ?? (guid && guid.isPermaLink !== false ? guid.value : undefined) ?? rdfAbout;
    const date = ('pubDate' in i ? i.pubDate : undefined) ?? i.dc?.dates?.[0];
    const made = item({ id: guid?.value ?? rdfAbout, link, title: i.title, published: date, content: i.content?.encoded, summary: i.description }, feedUrl);
    return made ? [made] : [];
  });
}

function atomText(t: AtomFeed.Text | undefined): string | undefined {
  if (t === undefined) return undefined;
  return typeof t === 'string' ? t : (t as { value?: string }).value;
}

function atomHtml(t: AtomFeed.Text | AtomFeed.Content | undefined): string | undefined {
  const value = atomText(t as AtomFeed.Text);
  if (!value) return undefined;
  const type = typeof t === 'object' ? (t as { type?: string }).type : undefined;
  return type === 'html' || type === 'xhtml' ? value : textAsHtml(value);
}

function atomItems(entries: AtomFeed.Entry<string>[], feedUrl: string): FeedItem[] {
  return entries.flatMap((e) => {
    const links = e.links ?? [];
    const link = (links.find((l) => !l.rel || l.rel === 'alternate') ?? links[0])?.href;
    const made = item({ id: e.id, link, title: atomText(e.title), published: e.published ?? e.updated, content: atomHtml(e.content), summary: atomHtml(e.summary) }, feedUrl);
    return made ? [made] : [];
  });
}

function jsonItems(items: JsonFeed.Item<string>[], feedUrl: string): FeedItem[] {
  return items.flatMap((i) => {
    const content = i.content_html ?? (i.content_text ? textAsHtml(i.content_text) : undefined);
    const made = item({ id: i.id, link: i.url ?? i.external_url, title: i.title, published: i.date_published ?? i.date_modified, content, summary: i.summary }, feedUrl);
    return made ? [made] : [];
  });
}

/** Newest first when every item is dated; otherwise the feed's own order (which is newest first by convention). */
function newestFirst(items: FeedItem[]): FeedItem[] {
  const seen = new Set<string>();
  const unique = items.filter((i) => (seen.has(i.key) ? false : (seen.add(i.key), true)));
  if (!unique.every((i) => i.published)) return unique;
  return unique.map((i, n) => ({ i, n })).sort((a, b) => b.i.published!.localeCompare(a.i.published!) || a.n - b.n).map(({ i }) => i);
}

function normalise(parsed: ReturnType<typeof parseFeed>, feedUrl: string): ParsedFeed {
  const host = new URL(feedUrl).hostname;
  switch (parsed.format) {
    case 'rss':
    case 'rdf': {
      const f = parsed.feed as RssFeed.Feed<string> | RdfFeed.Feed<string>;
      return { format: parsed.format, title: plain(f.title) ?? host, siteUrl: f.link ? absolute(f.link, feedUrl) : undefined, items: newestFirst(rssItems(f.items ?? [], feedUrl)) };
    }
    case 'atom': {
      const f = parsed.feed as AtomFeed.Feed<string>;
      const site = (f.links ?? []).find((l) => !l.rel || l.rel === 'alternate')?.href;
      return { format: 'atom', title: plain(atomText(f.title)) ?? host, siteUrl: site ? absolute(site, feedUrl) : undefined, items: newestFirst(atomItems(f.entries ?? [], feedUrl)) };
    }
    case 'json': {
      const f = parsed.feed as JsonFeed.Feed<string>;
      return { format: 'json', title: plain(f.title) ?? host, siteUrl: f.home_page_url ? absolute(f.home_page_url, feedUrl) : undefined, items: newestFirst(jsonItems(f.items ?? [], feedUrl)) };
    }
  }
}
