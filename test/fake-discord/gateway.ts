/**
 * The gateway half of the fake: a websocket speaking Discord's gateway protocol (v10, JSON).
 *
 * HELLO → (IDENTIFY → READY + GUILD_CREATE) | (RESUME → RESUMED), heartbeats acked, op 9 / op 7 and
 * drops on demand. Sessions outlive their socket so a dropped client can RESUME; the fake never
 * replays missed dispatches (tests wait for a ready socket before dispatching instead).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { constants as zlibConstants, createDeflate, type Deflate } from 'node:zlib';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { channelObject, guildCreatePayload, memberObject, type GuildInfo } from './payloads.js';
import type { FakeState } from './state.js';
import type { GatewayLogEntry, Json } from './types.js';

const GUILDS_INTENT = 1 << 0;

/** The shard Discord sends a server's events to. */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

const onShard = (session: Session, guildId: string) => shardOf(guildId, session.shard[1]) === session.shard[0];

interface Session {
  id: string;
  seq: number;
  shard: [number, number];
  intents: number;
}

interface Conn {
  ws: WebSocket;
  session: Session | null;
  /** identified/resumed and not since dropped or invalidated: safe to dispatch to */
  ready: boolean;
  /** `compress=zlib-stream`: one deflate context for the whole connection, flushed per payload */
  deflate: Deflate | null;
  /** deflate output not yet sent (sent as one frame when the flush completes) */
  pending: Buffer[];
}

export class FakeGateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<Conn>();
  private readonly sessions = new Map<string, Session>();
  identifyCount = 0;
  resumeCount = 0;
  readonly log: GatewayLogEntry[] = [];

  constructor(private readonly state: FakeState) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const q = new URL(req.url ?? '/', 'ws://fake.local').searchParams;
    const conn: Conn = { ws, session: null, ready: false, deflate: null, pending: [] };
    this.conns.add(conn);
    ws.on('close', () => {
      this.conns.delete(conn);
      conn.deflate?.close();
      this.state.changed();
    });
    ws.on('error', () => undefined); // a client vanishing mid-frame is not our failure
    if (q.get('v') !== '10') return void ws.close(4012, 'Invalid API version');
    if ((q.get('encoding') ?? 'json') !== 'json') return void ws.close(4002, 'Decode error'); // no ETF here
    if (q.get('compress') === 'zlib-stream') {
      conn.deflate = createDeflate({ flush: zlibConstants.Z_NO_FLUSH });
      conn.deflate.on('data', (chunk: Buffer) => conn.pending.push(chunk));
    }
    ws.on('message', (data: RawData) => this.onMessage(conn, data));
    this.send(conn, { op: 10, d: { heartbeat_interval: this.state.options.heartbeatIntervalMs } });
  }

  private send(conn: Conn, payload: Json): void {
    this.log.push({ dir: 'out', op: payload.op, t: payload.t, s: payload.s, at: Date.now() });
    const text = JSON.stringify(payload);
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.deflate) {
      // Like Discord: one websocket message per payload, each ending in the sync-flush marker 00 00 ff ff.
      conn.deflate.write(text);
      conn.deflate.flush(zlibConstants.Z_SYNC_FLUSH, () => {
        const frame = Buffer.concat(conn.pending.splice(0));
        if (frame.length && conn.ws.readyState === conn.ws.OPEN) conn.ws.send(frame);
      });
    } else {
      conn.ws.send(text);
    }
  }

  private sendDispatch(conn: Conn, t: string, d: Json): void {
    const session = conn.session!;
    this.send(conn, { op: 0, t, s: ++session.seq, d });
  }

  private onMessage(conn: Conn, data: RawData): void {
    let p: Json;
    try {
      p = JSON.parse(data.toString());
    } catch {
      return void conn.ws.close(4002, 'Decode error');
    }
    this.log.push({ dir: 'in', op: p.op, at: Date.now() });
    switch (p.op) {
      case 1: // heartbeat
        return this.send(conn, { op: 11 });
      case 2:
        return this.identify(conn, p.d);
      case 6:
        return this.resume(conn, p.d);
      case 8: // request guild members: answer with what we know (the bot itself)
        if (conn.session) {
          this.sendDispatch(conn, 'GUILD_MEMBERS_CHUNK', {
            guild_id: p.d?.guild_id,
            members: [memberObject(this.state.botUser, [], this.state.guild.joinedAt)],
            chunk_index: 0,
            chunk_count: 1,
            not_found: [],
            nonce: p.d?.nonce,
          });
        }
        return;
      default: // presence (3), voice state (4), … accepted and ignored
        return;
    }
  }

  private identify(conn: Conn, d: Json): void {
    if (d?.token !== this.state.token) return void conn.ws.close(4004, 'Authentication failed');
    if (conn.session) return void conn.ws.close(4005, 'Already authenticated');
    const shard: [number, number] = Array.isArray(d.shard) ? [Number(d.shard[0]), Number(d.shard[1])] : [0, 1];
    if (!(Number.isInteger(shard[0]) && Number.isInteger(shard[1]) && shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) {
      return void conn.ws.close(4010, 'Invalid shard');
    }
    const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, shard, intents: Number(d.intents ?? 0) };
    this.sessions.set(session.id, session);
    conn.session = session;
    this.identifyCount++;
    const s = this.state;
    // Each shard hears only of its own servers, as on Discord.
    const guilds = s.allGuilds().filter((g) => onShard(session, g.id));
    this.sendDispatch(conn, 'READY', {
      v: 10,
      user: { ...s.botUser, verified: true, mfa_enabled: false, flags: 0 },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: s.gatewayUrl,
      shard: session.shard,
      application: { id: s.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
    });
    // With the Guilds intent discord.js waits (up to waitGuildTimeout, 15 s) for every guild in
    // READY to arrive as GUILD_CREATE before emitting clientReady.
    if (session.intents & GUILDS_INTENT) for (const g of guilds) this.sendDispatch(conn, 'GUILD_CREATE', this.guildCreate(g));
    conn.ready = true;
    this.state.changed();
  }

  private resume(conn: Conn, d: Json): void {
    const session = this.sessions.get(String(d?.session_id));
    if (!session || d?.token !== this.state.token) {
      // Discord answers a failed resume with op 9 (not resumable); the client then re-identifies.
      return this.send(conn, { op: 9, d: false });
    }
    for (const other of this.conns) {
      if (other !== conn && other.session === session) {
        other.ready = false;
        other.ws.close(4000, 'Session resumed elsewhere');
      }
    }
    conn.session = session;
    this.resumeCount++;
    this.sendDispatch(conn, 'RESUMED', null);
    conn.ready = true;
    this.state.changed();
  }

  guildCreate(g: GuildInfo = this.state.guild): Json {
    const s = this.state;
    return guildCreatePayload(
      g,
      s.guildChannels(g.id).map((c) => channelObject(c)),
      [memberObject(s.botUser, [], g.joinedAt)],
    );
  }

  /**
   * Sockets that can take a dispatch right now; with `guildId`, only the shard that server is on.
   * Shard 0 first: events without a server (direct messages) go there, as on Discord.
   */
  readyConns(guildId?: string): Conn[] {
    return [...this.conns]
      .filter((c) => c.ready && c.ws.readyState === c.ws.OPEN && (guildId === undefined || onShard(c.session!, guildId)))
      .sort((a, b) => a.session!.shard[0] - b.session!.shard[0]);
  }

  /** Wait until some socket is identified/resumed (e.g. while discord.js reconnects after a drop); with `guildId`, that server's shard. */
  waitReady(timeoutMs: number, guildId?: string): Promise<Conn> {
    return this.state.waitUntil(
      () => this.readyConns(guildId)[0],
      timeoutMs,
      () =>
        `no bot connected to the fake gateway${guildId ? ` on the shard of server ${guildId}` : ''} within ${timeoutMs} ms ` +
        `(identifies: ${this.identifyCount}, resumes: ${this.resumeCount})`,
    );
  }

  /** [shard, count] of every identified session still connected. */
  connectedShards(): [number, number][] {
    return this.readyConns().map((c) => c.session!.shard);
  }

  /** Send a dispatch (op 0) to the bot, waiting for a ready socket first. */
  async dispatch(t: string, d: Json, timeoutMs = 5_000, beforeSend?: () => void): Promise<void> {
    const conn = await this.waitReady(timeoutMs, typeof d?.guild_id === 'string' ? d.guild_id : undefined);
    beforeSend?.();
    this.sendDispatch(conn, t, d);
  }

  /** Dispatch to ready sockets only if any (for state sync events like CHANNEL_CREATE). */
  broadcast(t: string, d: Json): void {
    const guildId = t === 'GUILD_CREATE' || t === 'GUILD_DELETE' ? d?.id : d?.guild_id;
    for (const conn of this.readyConns(typeof guildId === 'string' ? guildId : undefined)) this.sendDispatch(conn, t, d);
  }

  /**
   * Close the bot's socket. 4000 (default) makes discord.js resume; 1000 makes it re-identify;
   * 1006 is simulated by terminating the TCP connection without a close frame.
   */
  drop(code = 4000): void {
    for (const conn of this.conns) {
      conn.ready = false;
      if (code === 1006) conn.ws.terminate();
      else conn.ws.close(code, 'fake-discord: dropped');
    }
  }

  /** op 9. Not resumable: the session is forgotten and the client must IDENTIFY again. */
  invalidateSession(resumable = false): void {
    for (const conn of this.readyConns()) {
      conn.ready = false;
      if (!resumable && conn.session) {
        this.sessions.delete(conn.session.id);
        conn.session = null;
      }
      this.send(conn, { op: 9, d: resumable });
    }
  }

  /** op 7: Discord asks the client to reconnect (and resume). */
  requestReconnect(): void {
    for (const conn of this.readyConns()) {
      conn.ready = false;
      this.send(conn, { op: 7, d: null });
    }
  }

  async close(): Promise<void> {
    for (const conn of this.conns) conn.ws.terminate();
    this.conns.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

