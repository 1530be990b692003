/**
 * The REST half of the fake: Discord API v10 routes a bot built on discord.js calls, plus the HTTP
 * entry point that records every request and applies injected faults.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseBody, readBody, Router, sendJson, type RouteResponse } from './http.js';
import { interactionRoutes } from './interaction-routes.js';
import {
  applyEdit,
  channelObject,
  everyoneRole,
  guildObject,
  memberObject,
  toWire,
} from './payloads.js';
import type { FakeState } from './state.js';
import type { ChannelMessage, FailureSpec, Json, RecordedRequest } from './types.js';
import { validateCommand, validateCommands, validateMessageBody } from './validate.js';

const API_PREFIX = '/api/v10';

const err = (status: number, code: number, message: string): RouteResponse => ({ status, body: { code, message } });
export const NOT_FOUND: RouteResponse = { status: 404, body: { message: '404: Not Found', code: 0 } };
const UNKNOWN_CHANNEL = err(404, 10003, 'Unknown Channel');
const UNKNOWN_MESSAGE = err(404, 10008, 'Unknown Message');
const MISSING_ACCESS = err(403, 50001, 'Missing Access');
const MISSING_PERMISSIONS = err(403, 50013, 'Missing Permissions');
const ok = (body: unknown): RouteResponse => ({ status: 200, body });

export function buildRouter(state: FakeState): Router {
  const r = new Router();

  // -- gateway discovery: discord.js calls /gateway/bot once per login ------------------------
  r.on('GET', '/gateway', () => ok({ url: state.gatewayUrl }));
  r.on('GET', '/gateway/bot', () =>
    ok({
      url: state.gatewayUrl,
      shards: state.options.shards,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
    }),
  );

  // -- users & application ------------------------------------------------------------------
  r.on('GET', '/users/@me', () => ok({ ...state.botUser, verified: true, mfa_enabled: false, email: null }));
  r.on('GET', '/users/:userId', ({ params }) => {
    const u = state.users.get(params.userId!);
    return u ? ok(u) : err(404, 10013, 'Unknown User');
  });
  r.on('POST', '/users/@me/channels', ({ body }) => {
    const recipient = state.users.get(String(body?.recipient_id));
    if (!recipient) return err(400, 50035, 'Invalid Form Body');
    return ok(channelObject(state.dmChannelFor(recipient.id), recipient));
  });
  r.on('GET', '/applications/@me', () => ok(applicationObject(state)));

  // -- application commands -----------------------------------------------------------------
  registerCommandRoutes(r, state, '/applications/:appId/commands', () => state.commands.global, (list) => {
    state.commands.global = list;
  });
  registerCommandRoutes(
    r,
    state,
    '/applications/:appId/guilds/:guildId/commands',
    (p) => state.commands.guild.get(p.guildId!) ?? [],
    (list, p) => state.commands.guild.set(p.guildId!, list),
  );

  // -- channels & messages ------------------------------------------------------------------
  r.on('GET', '/channels/:channelId', ({ params }) => {
    const ch = state.channels.get(params.channelId!);
    if (!ch) return UNKNOWN_CHANNEL;
    return ok(channelObject(ch, ch.recipientId ? state.users.get(ch.recipientId) : undefined));
  });

  r.on('POST', '/channels/:channelId/messages', ({ params, body, files }) => {
    const channelId = params.channelId!;
    if (!state.channels.has(channelId)) return UNKNOWN_CHANNEL;
    if (state.forbidden.has(channelId)) return MISSING_PERMISSIONS;
    const invalid = validateMessageBody(body, { requireContent: true, fileCount: files.length });
    if (invalid) return invalid;
    // Like Discord: with enforce_nonce, a retry carrying the same nonce gets the original message back.
    if (body?.enforce_nonce && body.nonce !== undefined) {
      const existing = state.findByNonce(channelId, body.nonce);
      if (existing) return ok(toWire(existing));
    }
    const msg = state.createMessage({ channelId, body, files }) as ChannelMessage;
    msg.files = files;
    if (body?.allowed_mentions !== undefined) msg.allowed_mentions = body.allowed_mentions;
    if (body?.enforce_nonce !== undefined) msg.enforce_nonce = body.enforce_nonce;
    if (body?.nonce !== undefined) state.rememberNonce(channelId, body.nonce, msg.id);
    const guildId = state.channels.get(channelId)!.guild_id;
    if (guildId) msg.guild_id = guildId;
    state.messages.push(msg);
    return ok(toWire(msg));
  });

  r.on('GET', '/channels/:channelId/messages', ({ params, query }) => {
    if (!state.channels.has(params.channelId!)) return UNKNOWN_CHANNEL;
    const limit = Math.min(Number(query.limit ?? 50), 100);
    const list = [...state.store.values()].filter((m) => m.channel_id === params.channelId && !(m.flags & 64));
    return ok(list.reverse().slice(0, limit).map(toWire)); // newest first, like Discord
  });

  const channelMessage = (channelId: string, messageId: string): Json | RouteResponse => {
    if (!state.channels.has(channelId)) return UNKNOWN_CHANNEL;
    const msg = state.store.get(messageId);
    return msg && msg.channel_id === channelId ? msg : UNKNOWN_MESSAGE;
  };
  r.on('GET', '/channels/:channelId/messages/:messageId', ({ params }) => {
    const m = channelMessage(params.channelId!, params.messageId!);
    return 'status' in m ? m : ok(toWire(m));
  });
  r.on('PATCH', '/channels/:channelId/messages/:messageId', ({ params, body, files }) => {
    const m = channelMessage(params.channelId!, params.messageId!);
    if ('status' in m) return m;
    if (state.forbidden.has(params.channelId!)) return MISSING_PERMISSIONS;
    const invalid = validateMessageBody(body, { requireContent: false, fileCount: files.length });
    if (invalid) return invalid;
    applyEdit(m, body, state.attachmentsFor(params.channelId!, files, body?.attachments));
    return ok(toWire(m));
  });
  r.on('DELETE', '/channels/:channelId/messages/:messageId', ({ params }) => {
    const m = channelMessage(params.channelId!, params.messageId!);
    if ('status' in m) return m;
    state.store.delete(m.id);
    m.deleted = true;
    return { status: 204 };
  });
  r.on('POST', '/channels/:channelId/typing', ({ params }) =>
    state.channels.has(params.channelId!) ? { status: 204 } : UNKNOWN_CHANNEL,
  );

  // -- guilds -------------------------------------------------------------------------------
  const guildOr404 = (id: string): RouteResponse | null => (state.guildInfo(id) ? null : err(404, 10004, 'Unknown Guild'));
  r.on('GET', '/guilds/:guildId', ({ params, query }) => {
    const miss = guildOr404(params.guildId!);
    if (miss) return miss;
    const g = guildObject(state.guildInfo(params.guildId!)!);
    if (query.with_counts === 'true') Object.assign(g, { approximate_member_count: 2, approximate_presence_count: 1 });
    return ok(g);
  });
  r.on('GET', '/guilds/:guildId/channels', ({ params }) =>
    guildOr404(params.guildId!) ?? ok(state.guildChannels(params.guildId!).map((c) => channelObject(c))),
  );
  r.on('GET', '/guilds/:guildId/roles', ({ params }) => guildOr404(params.guildId!) ?? ok([everyoneRole(state.guildId)]));
  r.on('GET', '/guilds/:guildId/members/:userId', ({ params }) => {
    const miss = guildOr404(params.guildId!);
    if (miss) return miss;
    const u = state.users.get(params.userId!);
    return u ? ok(memberObject(u, [], state.guild.joinedAt)) : err(404, 10007, 'Unknown Member');
  });

  interactionRoutes(r, state);
  return r;
}

function applicationObject(state: FakeState): Json {
  return {
    id: state.applicationId,
    name: 'Dossier',
    icon: null,
    description: '',
    summary: '',
    type: null,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: 0,
    team: null,
    owner: state.users.get(state.guild.ownerId),
    bot: state.botUser,
    guild_id: null,
    approximate_guild_count: 1,
    tags: [],
    redirect_uris: [],
    interactions_endpoint_url: null,
    integration_types_config: { '0': {} },
  };
}

type Params = Record<string, string>;

/**
 * Command routes for one scope (global or a guild). Bulk overwrite keeps the id of a command that
 * keeps its name and type, as Discord does, so re-deploying does not churn ids.
 */
function registerCommandRoutes(
  r: Router,
  state: FakeState,
  base: string,
  get: (p: Params) => Json[],
  set: (list: Json[], p: Params) => void,
): void {
  const scopeCheck = (p: Params): RouteResponse | null => {
    if (p.appId !== state.applicationId) return MISSING_ACCESS;
    if (p.guildId !== undefined && p.guildId !== state.guildId) return MISSING_ACCESS;
    return null;
  };
  const store = (cmd: Json, p: Params, existing?: Json): Json => ({
    type: 1,
    description: '',
    options: [],
    default_member_permissions: null,
    dm_permission: true,
    nsfw: false,
    name_localizations: null,
    description_localizations: null,
    contexts: null,
    integration_types: [0],
    ...cmd,
    id: existing?.id ?? state.ids.next(),
    application_id: state.applicationId,
    version: state.ids.next(),
    ...(p.guildId ? { guild_id: p.guildId } : {}),
  });

  r.on('GET', base, ({ params }) => scopeCheck(params) ?? ok(get(params)));
  r.on('PUT', base, ({ params, body }) => {
    const bad = scopeCheck(params) ?? validateCommands(body);
    if (bad) return bad;
    const old = get(params);
    const list = (body as Json[]).map((c) =>
      store(c, params, old.find((o) => o.name === c.name && (o.type ?? 1) === (c.type ?? 1))),
    );
    set(list, params);
    return ok(list);
  });
  r.on('POST', base, ({ params, body }) => {
    const bad = scopeCheck(params) ?? validateCommand(body);
    if (bad) return bad;
    const list = get(params);
    const existing = list.find((o) => o.name === body.name && (o.type ?? 1) === (body.type ?? 1));
    const cmd = store(body, params, existing);
    set([...list.filter((c) => c !== existing), cmd], params);
    return { status: existing ? 200 : 201, body: cmd };
  });
  r.on('GET', `${base}/:commandId`, ({ params }) => {
    const bad = scopeCheck(params);
    if (bad) return bad;
    const cmd = get(params).find((c) => c.id === params.commandId);
    return cmd ? ok(cmd) : err(404, 10063, 'Unknown application command');
  });
  r.on('PATCH', `${base}/:commandId`, ({ params, body }) => {
    const bad = scopeCheck(params);
    if (bad) return bad;
    const list = get(params);
    const cmd = list.find((c) => c.id === params.commandId);
    if (!cmd) return err(404, 10063, 'Unknown application command');
    const updated = { ...cmd, ...body, id: cmd.id, version: state.ids.next() };
    set(list.map((c) => (c === cmd ? updated : c)), params);
    return ok(updated);
  });
  r.on('DELETE', `${base}/:commandId`, ({ params }) => {
    const bad = scopeCheck(params);
    if (bad) return bad;
    const list = get(params);
    if (!list.some((c) => c.id === params.commandId)) return err(404, 10063, 'Unknown application command');
    set(list.filter((c) => c.id !== params.commandId), params);
    return { status: 204 };
  });
}

/** Fill in what a test left out of a `failNext` response so discord.js reacts as it would to Discord. */
function failureResponse(f: FailureSpec): RouteResponse {
  if (f.status === 429) {
    return {
      status: 429,
      body: f.body ?? { message: 'You are being rate limited.', retry_after: 0.05, global: false },
      headers: { 'retry-after': '0.05', 'x-ratelimit-scope': 'user', ...f.headers },
    };
  }
  const fallback = f.status >= 500 ? `${f.status}: Internal Server Error` : 'Injected failure';
  return { status: f.status, body: f.body ?? { message: fallback, code: 0 }, headers: f.headers };
}

/** HTTP entry point for everything except the websocket upgrade. */
export async function handleHttp(state: FakeState, router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake.local');
  const method = (req.method ?? 'GET').toUpperCase();

  if (url.pathname.startsWith('/attachments/')) return serveAttachment(state, method, url.pathname, res);

  const raw = await readBody(req);
  const versioned = url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`);
  const path = versioned ? url.pathname.slice(API_PREFIX.length) || '/' : url.pathname;
  const rec: RecordedRequest = {
    method,
    path,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body: undefined,
    files: [],
    at: Date.now(),
    status: 0,
    unmatched: false,
    injected: false,
  };
  state.requests.push(rec);

  const respond = (out: RouteResponse): void => {
    rec.status = out.status;
    if (out.status >= 400) rec.responseBody = out.body;
    sendJson(res, out.status, out.body, out.headers);
    state.changed();
  };

  try {
    Object.assign(rec, await parseBody(raw, req.headers['content-type']));
  } catch (e) {
    return respond({ status: 400, body: { message: `Could not parse body: ${String(e)}`, code: 50109 } });
  }

  const { delayMs, failure } = state.takeFaults(method, path);
  if (delayMs) await sleep(delayMs);
  if (failure) {
    rec.injected = true;
    return respond(failureResponse(failure));
  }

  const match = versioned ? router.match(method, path) : null;
  if (!match) {
    rec.unmatched = true;
    return respond(NOT_FOUND);
  }
  if (match.route.auth && req.headers.authorization !== `Bot ${state.token}`) {
    return respond({ status: 401, body: { message: '401: Unauthorized', code: 0 } });
  }
  try {
    respond(
      await match.route.handler({
        method,
        path,
        params: match.params,
        query: rec.query,
        body: rec.body,
        files: rec.files,
        authorized: Boolean(req.headers.authorization),
      }),
    );
  } catch (e) {
    // A bug in the fake, not in the bot: make it loud.
    console.error('[fake-discord] route handler threw', e);
    respond({ status: 500, body: { message: `fake-discord internal error: ${String(e)}`, code: 0 } });
  }
}

/** Attachment downloads (files the fake hosts: uploaded by the bot, or added by a test). */
async function serveAttachment(state: FakeState, method: string, pathname: string, res: ServerResponse): Promise<void> {
  const entry = { path: pathname, at: Date.now(), status: 200 };
  state.downloads.push(entry);
  const { delayMs, failure } = state.takeFaults(method, pathname);
  if (delayMs) await sleep(delayMs);
  const hosted = state.hosted.get(pathname);
  if (failure || !hosted || (method !== 'GET' && method !== 'HEAD')) {
    entry.status = failure?.status ?? 404;
    res.writeHead(entry.status, { 'content-type': 'text/plain' });
    res.end(failure ? String(failure.body ?? 'Injected failure') : 'Not Found');
    return;
  }
  res.writeHead(200, {
    'content-type': hosted.meta.content_type ?? 'application/octet-stream',
    'content-length': hosted.data.length,
  });
  res.end(method === 'HEAD' ? undefined : hosted.data);
}

