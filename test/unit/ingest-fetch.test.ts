import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestRefusal } from '../../src/ingest/errors.js';
import { fetchLimited } from '../../src/ingest/fetch.js';
import { checkedAddress, checkLiteralHost, isPublicAddress } from '../../src/ingest/guard.js';
import { startSite, type TestSite } from '../helpers/ingest.js';

const MAX = 4096;
let site: TestSite;
/** A second loopback server on another address: the "internal" target of redirects. */
let internal: TestSite & { port: number };
const onlyTheSite = (address: string) => address === '127.0.0.1';

beforeAll(async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.end('internal secret');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  const port = (server.address() as AddressInfo).port;
  internal = { url: `http://127.0.0.2:${port}`, port, seen, close: () => new Promise((r) => server.close(() => r())) };
  site = await startSite({
    '/doc.txt': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('Plain words here.'),
    '/to-internal': (_req, res) => res.writeHead(302, { location: `${internal.url}/secret` }).end(),
    '/to-metadata': (_req, res) => res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
    '/big-announced': (_req, res) => res.writeHead(200, { 'content-length': String(MAX * 4) }).end('x'.repeat(MAX * 4)),
    '/big-streamed': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 8; i++) res.write('y'.repeat(MAX / 2));
      res.end();
    },
    '/gzipped': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end('not really'),
    '/hang': () => {},
  });
});

afterAll(async () => {
  await site.close();
  await internal.close();
});

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IngestRefusal);
  return (err as Error).message;
}

describe('address guard', () => {
  it('GIVEN loopback, private, link-local, metadata, CGNAT, unique-local or mapped addresses THEN none is public', () => {
    for (const a of ['127.0.0.1', '10.0.0.8', '172.16.3.4', '192.168.1.1', '169.254.169.254', '100.64.1.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '224.0.0.1']) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) expect(isPublicAddress(a), a).toBe(true);
  });

  it('GIVEN an IPv4-compatible IPv6 address (::a.b.c.d) THEN it is judged by the IPv4 address inside, like ::ffff:a.b.c.d', async () => {
    for (const a of ['::127.0.0.1', '::169.254.169.254', '::10.0.0.1', '::7f00:1', '::a9fe:a9fe', '0:0:0:0:0:0:192.168.0.1', '::0.0.0.2']) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    expect(isPublicAddress('::8.8.8.8')).toBe(true);
    for (const host of ['[::127.0.0.1]', '[::169.254.169.254]', '[::a9fe:a9fe]']) {
      expect(() => checkLiteralHost(new URL(`http://${host}/latest/meta-data/`), false), host).toThrow(IngestRefusal);
      const resolve = async () => {
        throw new Error('must not be called');
      };
      expect(await refusal(checkedAddress(new URL(`http://${host}/`), { allowPrivate: false, resolve })), host).toContain('private');
    }
  });

  it('GIVEN a name that resolves to a public and a private address THEN it is refused (no racing the resolver)', async () => {
    const resolve = async () => ['93.184.216.34', '10.0.0.5'];
    expect(await refusal(checkedAddress(new URL('http://mixed.test/'), { allowPrivate: false, resolve }))).toContain('private');
  });

  it('GIVEN an IPv6 literal loopback THEN it is refused without a lookup', async () => {
    const resolve = async () => {
      throw new Error('must not be called');
    };
    expect(await refusal(checkedAddress(new URL('http://[::1]:8080/'), { allowPrivate: false, resolve }))).toContain('private');
  });
});

describe('fetchLimited with the guard on', () => {
  it('GIVEN 127.0.0.1 without the override THEN it is refused and the server never sees a request', async () => {
    const before = site.seen.length;
    expect(await refusal(fetchLimited(`${site.url}/doc.txt`, { maxBytes: MAX, guard: true }))).toContain('private, local or internal');
    expect(site.seen.length).toBe(before);
  });

  it('GIVEN INGEST_ALLOW_PRIVATE_URLS THEN the same address is fetched', async () => {
    const got = await fetchLimited(`${site.url}/doc.txt`, { maxBytes: MAX, guard: true, allowPrivate: true });
    expect(got.bytes.toString()).toBe('Plain words here.');
  });

  it('GIVEN a host name whose DNS answer is 127.0.0.1 (rebinding) THEN it is refused and never connected to', async () => {
    const before = site.seen.length;
    const resolve = async () => ['127.0.0.1'];
    const port = new URL(site.url).port;
    expect(await refusal(fetchLimited(`http://rebind.test:${port}/doc.txt`, { maxBytes: MAX, guard: true, resolve }))).toContain('rebind.test');
    expect(site.seen.length).toBe(before);
  });

  it('GIVEN an allowed answer THEN the connection goes to exactly that checked address (pinned, no second lookup)', async () => {
    let lookups = 0;
    const resolve = async () => {
      lookups++;
      return ['127.0.0.1'];
    };
    const port = new URL(site.url).port;
    // `pinned.test` does not exist in real DNS: only the pinned address can make this work.
    const got = await fetchLimited(`http://pinned.test:${port}/doc.txt`, { maxBytes: MAX, guard: true, resolve, isAllowed: onlyTheSite });
    expect(got.bytes.toString()).toBe('Plain words here.');
    expect(lookups).toBe(1);
  });

  it('GIVEN a redirect to an internal address THEN it is refused after the redirect and the internal server sees nothing', async () => {
    expect(await refusal(fetchLimited(`${site.url}/to-internal`, { maxBytes: MAX, guard: true, isAllowed: onlyTheSite }))).toContain('127.0.0.2');
    expect(internal.seen).toEqual([]);
    expect(await refusal(fetchLimited(`${site.url}/to-metadata`, { maxBytes: MAX, guard: true, isAllowed: onlyTheSite }))).toContain('169.254.169.254');
  });

  it('GIVEN more than five redirects THEN it stops with a reason', async () => {
    const before = site.seen.filter((s) => s.endsWith('/loop')).length;
    expect(await refusal(fetchLimited(`${site.url}/loop`, { maxBytes: MAX, guard: true, isAllowed: onlyTheSite }))).toContain('redirects more than 5 times');
    expect(site.seen.filter((s) => s.endsWith('/loop')).length - before).toBe(6);
  });

  it('GIVEN a non-http scheme or credentials in the link THEN it is refused', async () => {
    expect(await refusal(fetchLimited('file:///etc/passwd', { maxBytes: MAX, guard: true }))).toContain('Only http and https');
    expect(await refusal(fetchLimited('http://user:pw@example.com/', { maxBytes: MAX, guard: true }))).toContain('password');
  });
});

describe('fetchLimited limits', () => {
  const open = { maxBytes: MAX, guard: false };

  it('GIVEN a Content-Length over the limit THEN it is refused before the body is read', async () => {
    expect(await refusal(fetchLimited(`${site.url}/big-announced`, open))).toBe('That file is 16.0 KB; the limit is 4.0 KB.');
  });

  it('GIVEN a body that streams past the limit without a length THEN the download is cut off and refused', async () => {
    expect(await refusal(fetchLimited(`${site.url}/big-streamed`, open))).toBe('That file is larger than the limit of 4.0 KB.');
  });

  it('GIVEN compressed content THEN it is refused (nothing is ever decompressed)', async () => {
    expect(await refusal(fetchLimited(`${site.url}/gzipped`, open))).toContain('compressed');
  });

  it('GIVEN a server that never answers THEN the timeout stops the download with a reason', async () => {
    expect(await refusal(fetchLimited(`${site.url}/hang`, { ...open, timeoutMs: 300 }))).toContain('took longer than');
  });

  it('GIVEN a resolver that never answers THEN the timeout still ends the attempt', async () => {
    const resolve = () => new Promise<string[]>(() => {});
    expect(await refusal(fetchLimited('http://slow-dns.test/', { maxBytes: MAX, guard: true, resolve, timeoutMs: 200 }))).toContain('took longer than');
  });

  it('GIVEN a 404 THEN the status is named', async () => {
    expect(await refusal(fetchLimited(`${site.url}/missing`, open))).toContain('404');
  });
});
