import { describe, expect, it } from 'vitest';
import { discoverFeeds, FeedRefusal, MIN_CONTENT_CHARS, parseFeedBytes } from '../../src/feeds/parse.js';
import { XML_BOMB } from '../helpers/feeds.js';

const FEED = 'https://news.example/feeds/main.xml';
const bytes = (text: string) => Buffer.from(text, 'utf8');
const long = (words: string) => `<p>${`${words} `.repeat(Math.ceil(MIN_CONTENT_CHARS / words.length) + 1)}</p>`;

function refusal(text: string): string {
  try {
    parseFeedBytes(bytes(text), FEED);
  } catch (err) {
    expect(err).toBeInstanceOf(FeedRefusal);
    return (err as Error).message;
  }
  throw new Error('not refused');
}

describe('parseFeedBytes', () => {
  it('GIVEN RSS 2.0 THEN items are keyed by guid, links made absolute, a permalink guid is the link, dates ISO, teasers dropped and full content kept', () => {
    const feed = parseFeedBytes(
      bytes(`<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Think &amp; Tank</title><link>https://news.example/</link>
<item><title>Relative</title><link>/a/1.html</link><guid isPermaLink="false">tt-1</guid><pubDate>Sat, 28 Nov 2026 08:00:00 GMT</pubDate><description>A teaser.</description></item>
<item><title><![CDATA[<b>Bold</b> title]]></title><guid>https://news.example/a/2.html</guid><pubDate>Fri, 27 Nov 2026 08:00:00 GMT</pubDate><content:encoded><![CDATA[${long('Full text of the second article')}]]></content:encoded></item>
<item><description>No link, no guid: not identifiable</description></item>
</channel></rss>`),
      FEED,
    );
    expect(feed.format).toBe('rss');
    expect(feed.title).toBe('Think & Tank');
    expect(feed.items.map((i) => [i.key, i.link, i.title, i.published, Boolean(i.content)])).toEqual([
      ['tt-1', 'https://news.example/a/1.html', 'Relative', '2026-11-28T08:00:00.000Z', false],
      ['https://news.example/a/2.html', 'https://news.example/a/2.html', 'Bold title', '2026-11-27T08:00:00.000Z', true],
    ]);
  });

  it('GIVEN Atom, RDF and JSON Feed THEN each is read into the same shape, newest first', () => {
    const atom = parseFeedBytes(
      bytes(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title type="html">A &amp;amp; B</title><id>urn:x</id><updated>2026-11-28T00:00:00Z</updated>
<entry><title>Older</title><id>urn:x:1</id><link rel="alternate" href="https://news.example/1"/><updated>2026-11-01T00:00:00Z</updated></entry>
<entry><title>Newer</title><id>urn:x:2</id><link rel="enclosure" href="https://news.example/2.mp3"/><link href="https://news.example/2"/><published>2026-11-20T00:00:00Z</published><updated>2026-11-21T00:00:00Z</updated><content type="text">${'Plain words. '.repeat(60)}</content></entry></feed>`),
      FEED,
    );
    expect(atom.title).toBe('A & B');
    expect(atom.items.map((i) => [i.key, i.link, i.published])).toEqual([
      ['urn:x:2', 'https://news.example/2', '2026-11-20T00:00:00.000Z'],
      ['urn:x:1', 'https://news.example/1', '2026-11-01T00:00:00.000Z'],
    ]);
    expect(atom.items[0]!.content).toMatch(/^<p>Plain words\./);

    const rdf = parseFeedBytes(
      bytes(`<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://news.example/"><title>R</title><link>https://news.example/</link></channel><item rdf:about="https://news.example/r1"><title>R1</title><link>https://news.example/r1</link><dc:date>2026-11-28</dc:date></item></rdf:RDF>`),
      FEED,
    );
    expect([rdf.format, rdf.items[0]!.key, rdf.items[0]!.published]).toEqual(['rdf', 'https://news.example/r1', '2026-11-28T00:00:00.000Z']);

    const json = parseFeedBytes(
      bytes(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: [{ id: 7, url: 'https://news.example/j', content_text: 'Short.' }, { id: 'no-url', content_text: 'Only its own text.\n\nTwo paragraphs.' }] })),
      FEED,
    );
    expect(json.items.map((i) => [i.key, i.link, i.content])).toEqual([
      ['7', 'https://news.example/j', undefined],
      ['no-url', undefined, '<p>Only its own text.</p>\n<p>Two paragraphs.</p>'],
    ]);
  });

  it('GIVEN an XML bomb, malformed XML, a web page, other JSON, other XML, binary or nothing THEN each is refused with its reason', () => {
    expect(refusal(XML_BOMB)).toContain('XML bomb');
    expect(refusal('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>unclosed')).toContain('malformed');
    expect(refusal('<!doctype html><html><body>Hello</body></html>')).toContain('does not advertise a feed');
    expect(refusal('{"hello": "world"}')).toContain('JSON that is not a JSON Feed');
    expect(refusal('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>')).toContain('not an RSS, Atom or RDF feed');
    expect(() => parseFeedBytes(Buffer.from([0, 1, 2, 3, 0xff]), FEED)).toThrow('binary');
    expect(() => parseFeedBytes(Buffer.alloc(0), FEED)).toThrow('returned nothing');
  });
});

describe('discoverFeeds', () => {
  it('GIVEN a page THEN the feeds it advertises are found, made absolute, and other alternates ignored', () => {
    const html = `<!doctype html><html><head>
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/atom+xml" href="/atom.xml">
<link rel="alternate stylesheet" type="text/css" href="/x.css">
<link rel="ALTERNATE" type="application/feed+json" href="https://other.example/feed.json">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
</head><body></body></html>`;
    expect(discoverFeeds(html, 'https://news.example/section/page.html')).toEqual(['https://news.example/atom.xml', 'https://other.example/feed.json']);
  });
});
