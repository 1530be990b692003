/**
 * Minimal HTTP plumbing: body parsing (JSON or multipart/form-data) and a tiny path router.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Json, UploadedFile } from './types.js';

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * discord.js sends JSON, or multipart/form-data when files are attached: each file as `files[n]`
 * and the JSON body as a `payload_json` part. We let the platform's own multipart parser (the
 * WHATWG `Request#formData`, built into Node) do the work rather than hand-rolling one.
 */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<{ body: Json; files: UploadedFile[] }> {
  if (!raw.length) return { body: undefined, files: [] };
  const ct = contentType ?? '';
  if (ct.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake.local/', {
      method: 'POST',
      headers: { 'content-type': ct },
      body: raw,
    }).formData();
    const files: UploadedFile[] = [];
    let body: Json;
    const plain: Record<string, string> = {};
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
        else plain[field] = value;
      } else {
        const data = Buffer.from(await value.arrayBuffer());
        files.push({ field, filename: value.name, contentType: value.type || 'application/octet-stream', size: data.length, data });
      }
    }
    // Routes that use `appendToFormData` (e.g. stickers) send plain fields instead of payload_json.
    return { body: body ?? (Object.keys(plain).length ? plain : undefined), files };
  }
  const text = raw.toString('utf8');
  if (ct.startsWith('application/json')) {
    try {
      return { body: JSON.parse(text), files: [] };
    } catch {
      return { body: { __invalidJson: text }, files: [] };
    }
  }
  return { body: text, files: [] };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export interface RouteRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Json;
  files: UploadedFile[];
  authorized: boolean;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: RouteRequest) => RouteResponse | Promise<RouteResponse>;

interface Route {
  method: string;
  re: RegExp;
  names: string[];
  /** false for interaction/webhook routes, which Discord (and discord.js) use without a bot token */
  auth: boolean;
  handler: Handler;
}

export class Router {
  private routes: Route[] = [];

  /** `pattern` like '/channels/:channelId/messages/:messageId'; `:x` matches one path segment. */
  on(method: string, pattern: string, handler: Handler, opts: { auth?: boolean } = {}): this {
    const names: string[] = [];
    const src = pattern
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          names.push(seg.slice(1));
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, re: new RegExp(`^${src}$`), names, auth: opts.auth ?? true, handler });
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.re.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
      return { route, params };
    }
    return null;
  }
}
