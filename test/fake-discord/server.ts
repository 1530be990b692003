/**
 * A loopback fake of Discord (REST API v10 + gateway) for end-to-end tests that drive the real
 * discord.js client. One HTTP server on 127.0.0.1 serves `/api/v10/...`, hosts attachment files
 * under `/attachments/...`, and upgrades websocket connections to the gateway.
 *
 *   const fake = await startFakeDiscord();
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
 *   await client.login(fake.token);
 *   const res = await fake.sendCommand('ask', { question: 'why?' });
 *   expect(res.final()?.content).toContain('because');
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway } from './gateway.js';
import { InteractionDriver } from './interactions.js';
import { channelObject } from './payloads.js';
import { buildRouter, handleHttp } from './rest.js';
import { FakeState, type Download } from './state.js';
import type {
  ChannelMessage,
  ComponentCtx,
  FailureSpec,
  FakeDiscordOptions,
  GatewayLogEntry,
  HostedAttachment,
  InteractionCtx,
  InteractionResponse,
  InteractionResult,
  Json,
  OptionInput,
  RecordedRequest,
  RequestMatch,
} from './types.js';

export type * from './types.js';

export interface FakeDiscord {
  /** REST base for discord.js: `new Client({ rest: { api: fake.apiUrl } })` (discord.js appends /v10) */
  apiUrl: string;
  gatewayUrl: string;
  applicationId: string;
  guildId: string;
  /** the default text channel ('general') of the guild */
  channelId: string;
  botUserId: string;
  /** the default user who sends interactions */
  defaultUserId: string;
  /** accepted as `Authorization: Bot <token>` and in IDENTIFY */
  token: string;

  /** every REST request, in arrival order */
  requests: RecordedRequest[];
  /** requests no route matched (answered 404): assert this stays empty */
  unmatchedRequests(): RecordedRequest[];
  /** downloads of hosted attachment URLs */
  downloads: Download[];
  /** what was PUT via bulk overwrite (or POSTed one by one) */
  commands: { global: Json[]; guild: Map<string, Json[]> };
  /** messages posted with POST /channels/:id/messages */
  messages: ChannelMessage[];
  gatewayLog: GatewayLogEntry[];

  sendCommand(name: string, options?: Record<string, OptionInput>, ctx?: InteractionCtx): Promise<InteractionResult>;
  sendAutocomplete(
    name: string,
    options: Record<string, OptionInput>,
    focused: string,
    ctx?: InteractionCtx,
  ): Promise<{ choices: { name: string; value: string | number }[] }>;
  sendComponent(customId: string, ctx?: ComponentCtx): Promise<InteractionResult>;
  sendModalSubmit(customId: string, fields: Record<string, string>, ctx?: ComponentCtx): Promise<InteractionResult>;
  /** a live view of an interaction sent earlier */
  interaction(id: string): InteractionResult | undefined;
  waitForResponses(interactionId: string, count: number, timeoutMs?: number): Promise<InteractionResponse[]>;
  /** first channel message (already posted or arriving later) matching `pred` */
  waitForMessage(pred: (m: ChannelMessage) => boolean, timeoutMs?: number): Promise<ChannelMessage>;

  addChannel(id?: string, name?: string, type?: number): string;
  /** another server with the bot in it, and its default channel; name it in interactions with `ctx.guildId` */
  addGuild(name?: string): { guildId: string; channelId: string };
  /** the bot is removed from a server added with addGuild: GUILD_DELETE, as when a member kicks it */
  removeGuild(guildId: string): void;
  /** the bot is invited back into a server removeGuild took it out of (same id and channel): GUILD_CREATE */
  restoreGuild(guildId: string): void;
  /** POST/PATCH of messages in this channel → 403 {code: 50013, message: 'Missing Permissions'} */
  forbidChannel(id: string): void;
  allowChannel(id: string): void;
  addUser(id?: string, username?: string): string;
  /** host a file; pass its id as an attachment option: sendCommand('add', { file: { type: 11, value: att.id } }) */
  addAttachment(filename: string, content: string | Buffer, contentType?: string): HostedAttachment;

  /** make the next `times` (default 1) matching REST requests fail with `response` */
  failNext(match: RequestMatch, response: FailureSpec, times?: number): void;
  /** delay the next `times` (default 1) matching REST requests by `ms` */
  delayNext(match: RequestMatch, ms: number, times?: number): void;

  /** send any dispatch event to the bot (waits for a connected session) */
  dispatch(t: string, d: Json): Promise<void>;
  waitForGatewayReady(timeoutMs?: number): Promise<void>;
  /** close the bot's websocket: 4000 (default) → discord.js resumes; 1000 → it re-identifies */
  dropGateway(code?: number): void;
  /** op 9: resumable → client RESUMEs on the same socket; otherwise it reconnects and IDENTIFYs */
  invalidateSession(resumable?: boolean): void;
  /** op 7: client reconnects and resumes */
  requestReconnect(): void;
  readonly identifyCount: number;
  readonly resumeCount: number;
  /** [shard, count] of each connected gateway session (one per shard a client runs). */
  connectedShards(): [number, number][];

  close(): Promise<void>;
}

class FakeDiscordServer implements FakeDiscord {
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  private readonly driver: InteractionDriver;

  constructor(
    private readonly state: FakeState,
    private readonly gateway: FakeGateway,
    private readonly server: Server,
  ) {
    this.apiUrl = `${state.baseUrl}/api`;
    this.gatewayUrl = state.gatewayUrl;
    this.driver = new InteractionDriver(state, gateway);
  }

  get applicationId() { return this.state.applicationId; }
  get guildId() { return this.state.guildId; }
  get channelId() { return this.state.channelId; }
  get botUserId() { return this.state.botUserId; }
  get defaultUserId() { return this.state.defaultUserId; }
  get token() { return this.state.token; }
  get requests() { return this.state.requests; }
  get downloads() { return this.state.downloads; }
  get commands() { return this.state.commands; }
  get messages() { return this.state.messages; }
  get gatewayLog() { return this.gateway.log; }
  get identifyCount() { return this.gateway.identifyCount; }
  get resumeCount() { return this.gateway.resumeCount; }

  unmatchedRequests(): RecordedRequest[] {
    return this.state.requests.filter((r) => r.unmatched);
  }

  sendCommand(name: string, options?: Record<string, OptionInput>, ctx?: InteractionCtx) {
    return this.driver.sendCommand(name, options, ctx);
  }
  sendAutocomplete(name: string, options: Record<string, OptionInput>, focused: string, ctx?: InteractionCtx) {
    return this.driver.sendAutocomplete(name, options, focused, ctx);
  }
  sendComponent(customId: string, ctx?: ComponentCtx) {
    return this.driver.sendComponent(customId, ctx);
  }
  sendModalSubmit(customId: string, fields: Record<string, string>, ctx?: ComponentCtx) {
    return this.driver.sendModalSubmit(customId, fields, ctx);
  }
  interaction(id: string): InteractionResult | undefined {
    const ix = this.state.interactions.get(id);
    return ix && this.driver.result(ix);
  }
  waitForResponses(interactionId: string, count: number, timeoutMs?: number) {
    return this.driver.waitForResponses(interactionId, count, timeoutMs);
  }

  waitForMessage(pred: (m: ChannelMessage) => boolean, timeoutMs = 5_000): Promise<ChannelMessage> {
    return this.state.waitUntil(
      () => this.state.messages.find(pred),
      timeoutMs,
      () =>
        `fake-discord: no channel message matched within ${timeoutMs} ms; ${this.state.messages.length} posted: ` +
        JSON.stringify(this.state.messages.map((m) => ({ channel_id: m.channel_id, content: m.content.slice(0, 80) }))),
    );
  }

  addChannel(id = this.state.ids.next(), name = `channel-${id.slice(-4)}`, type = 0): string {
    const ch = { id, type, name, guild_id: this.state.guildId };
    const existed = this.state.channels.has(id);
    this.state.channels.set(id, ch);
    // Keep a connected client's cache in sync, as Discord would.
    this.gateway.broadcast(existed ? 'CHANNEL_UPDATE' : 'CHANNEL_CREATE', channelObject(ch));
    return id;
  }
  /**
   * Invites the bot into another server (with its own 'general' channel): a
   * connected client gets GUILD_CREATE, as from Discord. Interactions name it
   * with `ctx.guildId`.
   */
  addGuild(name = `Guild ${this.state.otherGuilds.size + 2}`): { guildId: string; channelId: string } {
    const added = this.state.addGuild(name);
    const info = this.state.guildInfo(added.guildId)!;
    this.gateway.broadcast('GUILD_CREATE', this.gateway.guildCreate(info));
    return added;
  }
  removeGuild(guildId: string): void {
    this.state.removeGuild(guildId);
    // Removed, not an outage: no `unavailable` flag, so discord.js emits guildDelete.
    this.gateway.broadcast('GUILD_DELETE', { id: guildId });
  }
  restoreGuild(guildId: string): void {
    this.state.restoreGuild(guildId);
    this.gateway.broadcast('GUILD_CREATE', this.gateway.guildCreate(this.state.guildInfo(guildId)!));
  }
  forbidChannel(id: string): void {
    this.state.forbidden.add(id);
  }
  allowChannel(id: string): void {
    this.state.forbidden.delete(id);
  }
  addUser(id = this.state.ids.next(), username?: string): string {
    return this.state.ensureUser(id, username).id;
  }
  addAttachment(filename: string, content: string | Buffer, contentType?: string): HostedAttachment {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const type = contentType ?? (typeof content === 'string' ? 'text/plain; charset=utf-8' : undefined);
    return this.state.host(this.state.ids.next(), filename, data, type);
  }

  failNext(match: RequestMatch, response: FailureSpec, times = 1): void {
    this.state.addFault(match, { failure: response }, times);
  }
  delayNext(match: RequestMatch, ms: number, times = 1): void {
    this.state.addFault(match, { delayMs: ms }, times);
  }

  dispatch(t: string, d: Json): Promise<void> {
    return this.gateway.dispatch(t, d);
  }
  async waitForGatewayReady(timeoutMs = 5_000): Promise<void> {
    await this.gateway.waitReady(timeoutMs);
  }
  dropGateway(code?: number): void {
    this.gateway.drop(code);
  }
  invalidateSession(resumable = false): void {
    this.gateway.invalidateSession(resumable);
  }
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }
  connectedShards(): [number, number][] {
    return this.gateway.connectedShards();
  }

  async close(): Promise<void> {
    if (this.state.closed) return;
    this.state.closed = true;
    this.state.emit('closed'); // reject pending waiters instead of leaving their timers running
    await this.gateway.close();
    this.server.closeAllConnections(); // keep-alive sockets from undici would otherwise hold close()
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function startFakeDiscord(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const state = new FakeState(opts);
  const router = buildRouter(state);
  const gateway = new FakeGateway(state);
  const server = createServer((req, res) => {
    handleHttp(state, router, req, res).catch((e) => {
      console.error('[fake-discord] request failed', e);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return new FakeDiscordServer(state, gateway, server);
}
