import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startSite, type TestSite } from './ingest.js';

/**
 * A loopback news site for feed tests: an RSS feed of links to article pages,
 * an Atom feed and a JSON Feed that carry each article's full text, a home
 * page that advertises the RSS feed, and hostile answers (an XML bomb, a 20 MB
 * feed, a 500, a redirect to a private address). The feeds change between
 * polls as a test adds articles; every feed answers ETag / If-None-Match and
 * Last-Modified / If-Modified-Since as a real server does.
 */
export interface NewsSite extends TestSite {
  /** `http://<host>:<port>` as the feeds name it: a host name the tests' resolver maps to 127.0.0.1. */
  base: string;
  /** Publishes an article: it appears in every feed from the next request on. */
  publish(article: Article): void;
  /** Takes an article out of every feed (its page stays), as a feed drops its older items. */
  unpublish(id: string): void;
  /** Requests by path, e.g. count('/articles/a1.html'). */
  count(path: string): number;
  /** How /status.xml answers: 500, 503 with Retry-After… */
  status: { code: number; retryAfter?: string };
  /** Whether the feeds answer conditional requests with 304 (a server that ignores validators sends the feed again). */
  conditional: boolean;
  /** Feed requests from now on wait unanswered until the returned function is called (a slow feed, to make checks overlap). */
  hold(): () => void;
}

export interface Article {
  id: string;
  title: string;
  /** Paragraphs of the article's own words. */
  paragraphs: string[];
  /** ISO date. */
  published: string;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function articlePage(a: Article): string {
  return `<!doctype html><html><head><title>${escape(a.title)}</title></head><body>
<nav><a href="/">Home</a> · <a href="/about">About us</a> · Subscribe to our newsletter</nav>
<article><h1>${escape(a.title)}</h1>${a.paragraphs.map((p) => `<p>${escape(p)}</p>`).join('\n')}</article>
<footer>© News desk. All rights reserved.</footer></body></html>`;
}

export const XML_BOMB = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><link>http://example.com/</link>
<item><title>&lol9;</title><link>http://example.com/bomb</link><description>&lol9;</description></item>
</channel></rss>`;

export async function startNewsSite(host = 'news.test'): Promise<NewsSite> {
  const articles: Article[] = [];
  let changedAt = Date.UTC(2026, 10, 1);
  const counts = new Map<string, number>();
  let base = '';
  const self = { status: { code: 500 } as NewsSite['status'], conditional: true };

  const link = (a: Article) => `${base}/articles/${a.id}.html`;
  const newest = () => [...articles].reverse();
  const rss = () => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Steppe Desk</title><link>${base}/</link><description>Analysis from the steppe</description>
${newest().map((a) => `<item><title>${escape(a.title)}</title><link>${link(a)}</link><guid isPermaLink="false">steppe-${a.id}</guid><pubDate>${new Date(a.published).toUTCString()}</pubDate><description>${escape(a.paragraphs[0]!.slice(0, 80))}…</description></item>`).join('\n')}
</channel></rss>`;
  const fullHtml = (a: Article) => a.paragraphs.map((p) => `<p>${escape(p)}</p>`).join('');
  const atom = () => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Caspian Review</title><id>urn:caspian</id><link rel="alternate" href="${base}/"/><updated>${new Date(changedAt).toISOString()}</updated>
${newest().map((a) => `<entry><title>${escape(a.title)}</title><id>urn:caspian:${a.id}</id><link rel="alternate" href="${link(a)}"/><published>${a.published}</published><updated>${a.published}</updated><content type="html">${escape(fullHtml(a))}</content></entry>`).join('\n')}
</feed>`;
  const json = () =>
    JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Grain Ledger',
      home_page_url: `${base}/`,
      items: newest().map((a) => ({ id: `ledger-${a.id}`, url: link(a), title: a.title, content_html: fullHtml(a), date_published: a.published })),
    });

  /** A feed route with validators: 304 when the client already has this version. */
  let held: Promise<void> | undefined;
  const feed = (type: string, body: () => string) => (req: IncomingMessage, res: ServerResponse) => {
    if (held) return void held.then(() => answer(type, body, req, res));
    answer(type, body, req, res);
  };
  const answer = (type: string, body: () => string, req: IncomingMessage, res: ServerResponse) => {
    const text = body();
    const etag = `"${createHash('sha256').update(text).digest('hex').slice(0, 16)}"`;
    const lastModified = new Date(changedAt).toUTCString();
    if (self.conditional && (req.headers['if-none-match'] === etag || (!req.headers['if-none-match'] && req.headers['if-modified-since'] === lastModified))) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': type, etag, 'last-modified': lastModified }).end(text);
  };

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/rss.xml': feed('application/rss+xml; charset=utf-8', rss),
    '/atom.xml': feed('application/atom+xml', atom),
    '/feed.json': feed('application/feed+json', json),
    '/': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<!doctype html><html><head><title>Steppe Desk</title><link rel="alternate" type="application/rss+xml" title="Steppe Desk" href="/rss.xml"></head><body><p>Welcome.</p></body></html>`),
    '/plain.html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><head><title>No feed</title></head><body><p>Nothing to follow.</p></body></html>'),
    '/bomb.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(XML_BOMB),
    '/huge.xml': (_req, res) => {
      // 20 MB, streamed without a Content-Length, so the limit is enforced on the bytes themselves.
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>');
      const chunk = `<item><title>${'x'.repeat(1000)}</title></item>`.repeat(64);
      let sent = 0;
      const more = () => {
        while (sent < 20 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end('</channel></rss>');
      };
      res.on('error', () => {});
      more();
    },
    '/broken.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>Half'),
    '/status.xml': (_req, res) => res.writeHead(self.status.code, self.status.retryAfter ? { 'retry-after': self.status.retryAfter } : {}).end('unavailable'),
    // An address the private-address guard must refuse (loopback, but not the site's own).
    '/to-private.xml': (_req, res) => res.writeHead(302, { location: `http://127.0.0.2:${new URL(base).port}/rss.xml` }).end(),
  };
  const site = await startSite(
    new Proxy(routes, {
      get(target, path: string) {
        counts.set(path, (counts.get(path) ?? 0) + 1);
        if (path in target) return target[path];
        const a = articles.find((x) => path === `/articles/${x.id}.html`);
        if (a) return (_req: IncomingMessage, res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage(a));
        return undefined;
      },
    }),
  );
  base = `http://${host}:${new URL(site.url).port}`;
  return Object.assign(self, {
    ...site,
    base,
    publish(a: Article) {
      articles.push(a);
      changedAt += 60_000;
    },
    unpublish(id: string) {
      const at = articles.findIndex((a) => a.id === id);
      if (at >= 0) articles.splice(at, 1);
      changedAt += 60_000;
    },
    count: (path: string) => counts.get(path) ?? 0,
    hold() {
      let release!: () => void;
      held = new Promise<void>((resolve) => (release = resolve));
      return () => {
        held = undefined;
        release();
      };
    },
  });
}
