import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { HttpStatusRefusal, IngestRefusal, formatBytes } from './errors.js';
import { bareHost, checkedAddress, systemResolver, type Resolver } from './guard.js';

export interface FetchOptions {
  maxBytes: number;
  /** Whole download, redirects included. */
  timeoutMs?: number;
  /** Check every hop's resolved address and pin the connection to it (the `url:` option). */
  guard: boolean;
  allowPrivate?: boolean;
  resolve?: Resolver;
  /** Which resolved addresses may be connected to; default: public unicast only. A test seam. */
  isAllowed?: (address: string) => boolean;
  maxRedirects?: number;
  /** Sent on every hop, over the defaults (a feed reader's Accept, conditional-request validators). */
  headers?: Record<string, string>;
  /** Answer a 304 with empty bytes instead of refusing it (conditional requests). */
  notModified?: boolean;
}

export interface Fetched {
  bytes: Buffer;
  contentType?: string;
  /** After redirects. */
  url: string;
  /** 304 only when asked for with `notModified`. */
  status: number;
  headers: IncomingHttpHeaders;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
export const DEFAULT_TIMEOUT_MS = 20_000;
export const MAX_REDIRECTS = 5;

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new IngestRefusal('That is not a web address. Give a full link such as `https://example.com/report.html`.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new IngestRefusal(`Only http and https links can be ingested (not \`${url.protocol.slice(0, 20)}\`).`);
  }
  if (url.username || url.password) throw new IngestRefusal('Links with a user name or password in them cannot be ingested.');
  return url;
}

/** A lookup that always answers with the address already checked, whatever node asks for. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (options?.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  }) as unknown as LookupFunction;
}

function tooBig(size: number, max: number): IngestRefusal {
  return new IngestRefusal(`That file is ${formatBytes(size)}; the limit is ${formatBytes(max)}.`);
}

/**
 * Downloads `raw` into memory, never more than `maxBytes` (refused from the
 * Content-Length when it is announced, otherwise as soon as the stream passes
 * the limit), following at most five redirects and re-checking each one.
 */
export async function fetchLimited(raw: string, opts: FetchOptions): Promise<Fetched> {
  const deadline = new AbortController();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    let url = parseUrl(raw);
    for (let hop = 0; ; hop++) {
      const res = await request(url, opts, deadline.signal, timeoutMs);
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode ?? 0) && location) {
        res.destroy();
        if (hop >= (opts.maxRedirects ?? MAX_REDIRECTS)) throw new IngestRefusal(`That link redirects more than ${opts.maxRedirects ?? MAX_REDIRECTS} times; give the final address instead.`);
        url = parseUrl(new URL(location, url).href);
        continue;
      }
      const status = res.statusCode ?? 0;
      if (status === 304 && opts.notModified) {
        res.destroy();
        return { bytes: Buffer.alloc(0), contentType: res.headers['content-type'], url: url.href, status, headers: res.headers };
      }
      if (status < 200 || status >= 300) {
        res.destroy();
        const retryAfter = res.headers['retry-after'];
        throw new HttpStatusRefusal(`The server answered ${status} ${res.statusMessage ?? ''}`.trim() + ' instead of the document.', status, retryAfter);
      }
      const encoding = res.headers['content-encoding'];
      if (encoding && encoding !== 'identity') {
        res.destroy();
        throw new IngestRefusal(`The server sent the document compressed (${encoding.slice(0, 20)}); compressed content is not accepted.`);
      }
      const bytes = await readBody(res, opts.maxBytes, deadline.signal, timeoutMs);
      return { bytes, contentType: res.headers['content-type'], url: url.href, status, headers: res.headers };
    }
  } finally {
    clearTimeout(timer);
  }
}

function aborted(signal: AbortSignal, timeoutMs: number): Promise<never> {
  const p = new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(timedOut(timeoutMs)), { once: true }));
  // Once the race is won this rejection has no listener; it must not count as unhandled.
  p.catch(() => {});
  return p;
}

function timedOut(ms: number): IngestRefusal {
  return new IngestRefusal(`The download took longer than ${Math.round(ms / 1000)} seconds and was stopped.`);
}

async function request(url: URL, opts: FetchOptions, signal: AbortSignal, timeoutMs: number): Promise<IncomingMessage> {
  if (signal.aborted) throw timedOut(timeoutMs);
  const check = () => checkedAddress(url, { allowPrivate: opts.allowPrivate ?? false, resolve: opts.resolve ?? systemResolver, isAllowed: opts.isAllowed });
  // A resolver that never answers must not outlive the deadline either.
  const pin = opts.guard ? await Promise.race([check(), aborted(signal, timeoutMs)]) : undefined;
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, {
      method: 'GET',
      // A fresh connection per hop: a pooled socket could belong to another address.
      agent: false,
      headers: {
        'user-agent': 'Dossier (document ingest)',
        accept: 'text/html, text/plain, text/markdown, application/pdf;q=0.9, */*;q=0.5',
        ...opts.headers,
        // Nothing is ever decompressed (see sniff.ts), whatever a caller asks.
        'accept-encoding': 'identity',
      },
      ...(pin ? { lookup: pinnedLookup(pin.address, pin.family), servername: isIP(bareHost(url)) ? undefined : bareHost(url) } : {}),
      signal,
    });
    req.on('response', resolve);
    req.on('error', (err) => {
      if (signal.aborted) reject(timedOut(timeoutMs));
      else reject(new IngestRefusal(`I could not download that link (${(err as NodeJS.ErrnoException).code ?? 'connection failed'}).`));
    });
    req.end();
  });
}


function readBody(res: IncomingMessage, maxBytes: number, signal: AbortSignal, timeoutMs: number): Promise<Buffer> {
  const announced = Number(res.headers['content-length']);
  if (Number.isFinite(announced) && announced > maxBytes) {
    res.destroy();
    return Promise.reject(tooBig(announced, maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    res.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        // Rejected first: destroying the stream fires 'aborted', which must not win.
        reject(new IngestRefusal(`That file is larger than the limit of ${formatBytes(maxBytes)}.`));
        res.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', () => reject(signal.aborted ? timedOut(timeoutMs) : new IngestRefusal('The download was cut off before the end.')));
    res.on('aborted', () => reject(signal.aborted ? timedOut(timeoutMs) : new IngestRefusal('The download was cut off before the end.')));
  });
}
