/**
 * Everything the fake knows: ids, channels, messages, commands, interactions, recorded requests and
 * injected faults. REST routes, the gateway and the interaction driver all share one FakeState; it
 * emits 'change' whenever something observable happens so waiters can re-check their condition.
 */
import { EventEmitter } from 'node:events';
import { SnowflakeGen } from './snowflake.js';
import { DM, GUILD_TEXT, messageObject, userObject, type GuildInfo } from './payloads.js';
import type {
  ChannelMessage,
  FailureSpec,
  FakeChannel,
  FakeDiscordOptions,
  HostedAttachment,
  InteractionResponse,
  Json,
  RecordedRequest,
  RequestMatch,
  StoredMessage,
  UploadedFile,
} from './types.js';

export interface InteractionRecord {
  id: string;
  token: string;
  /** 2 command, 3 component, 4 autocomplete, 5 modal submit */
  type: number;
  payload: Json;
  channelId: string;
  dispatchedAt: number;
  responses: InteractionResponse[];
  firstCallback?: { type: number; data?: Json; at: number };
  /** id of the message @original currently refers to */
  originalMessageId?: string;
  /** deferred (type 5) and not yet filled by an edit or the first followup */
  originalPending: boolean;
  followupIds: string[];
  /** components only: the message the clicked component is on */
  componentMessageId?: string;
}

interface Fault {
  match: RequestMatch;
  remaining: number;
  failure?: FailureSpec;
  delayMs?: number;
}

export interface Download {
  path: string;
  at: number;
  status: number;
}

const NONCE_WINDOW_MS = 5 * 60_000;
const LOADING_FLAG = 1 << 7;

export class FakeState extends EventEmitter {
  readonly ids = new SnowflakeGen();
  readonly applicationId: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly botUserId: string;
  readonly token: string;
  readonly defaultUserId: string;
  readonly guild: GuildInfo;
  readonly botUser: Json;
  readonly options: Required<Pick<FakeDiscordOptions, 'heartbeatIntervalMs' | 'ackDeadlineMs' | 'settleTimeoutMs' | 'shards'>>;

  /** http://127.0.0.1:PORT, set once listening */
  baseUrl = '';
  closed = false;

  readonly users = new Map<string, Json>();
  readonly channels = new Map<string, FakeChannel>();
  readonly forbidden = new Set<string>();
  readonly messages: ChannelMessage[] = [];
  /** every message (channel and interaction) by id */
  readonly store = new Map<string, StoredMessage>();
  private readonly nonces = new Map<string, { messageId: string; at: number }>();
  readonly commands = { global: [] as Json[], guild: new Map<string, Json[]>() };
  readonly requests: RecordedRequest[] = [];
  readonly downloads: Download[] = [];
  readonly hosted = new Map<string, { meta: HostedAttachment; data: Buffer }>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly interactionsByToken = new Map<string, InteractionRecord>();
  private faults: Fault[] = [];

  constructor(opts: FakeDiscordOptions = {}) {
    super();
    this.setMaxListeners(0); // one listener per pending waiter
    this.applicationId = opts.applicationId ?? this.ids.next();
    this.botUserId = opts.botUserId ?? this.applicationId; // for bots created since 2019 these are equal
    this.guildId = opts.guildId ?? this.ids.next();
    this.channelId = opts.channelId ?? this.ids.next();
    this.token = opts.token ?? 'fake-bot-token';
    this.options = {
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41_250,
      ackDeadlineMs: opts.ackDeadlineMs ?? 3_000,
      settleTimeoutMs: opts.settleTimeoutMs ?? 10_000,
      shards: opts.shards ?? 1,
    };
    this.botUser = userObject(this.botUserId, 'Dossier', true);
    this.users.set(this.botUserId, this.botUser);
    const owner = this.ensureUser(this.ids.next(), 'guild-owner');
    this.defaultUserId = this.ensureUser(this.ids.next(), 'tester').id;
    this.guild = { id: this.guildId, name: 'Dossier Test Guild', ownerId: owner.id, joinedAt: new Date().toISOString() };
    this.channels.set(this.channelId, { id: this.channelId, type: GUILD_TEXT, name: 'general', guild_id: this.guildId });
  }

  get gatewayUrl(): string {
    return this.baseUrl.replace(/^http/, 'ws');
  }

  changed(): void {
    this.emit('change');
  }

  ensureUser(id: string, username?: string): Json {
    let u = this.users.get(id);
    if (!u) {
      u = userObject(id, username ?? `user${id.slice(-4)}`);
      this.users.set(id, u);
    } else if (username && u.username !== username && !u.bot) {
      u = { ...u, username, global_name: username };
      this.users.set(id, u);
    }
    return u;
  }

  /** Servers the bot is in besides the first (addGuild), each with its own default channel. */
  readonly otherGuilds = new Map<string, { info: GuildInfo; channelId: string }>();

  /** Every server the bot is in, the first one first. */
  allGuilds(): GuildInfo[] {
    return [this.guild, ...[...this.otherGuilds.values()].map((g) => g.info)];
  }

  guildInfo(guildId: string): GuildInfo | undefined {
    return guildId === this.guildId ? this.guild : this.otherGuilds.get(guildId)?.info;
  }

  /** The channel interactions in a server come from unless a test names one. */
  defaultChannel(guildId: string): string {
    return guildId === this.guildId ? this.channelId : (this.otherGuilds.get(guildId)?.channelId ?? this.channelId);
  }

  addGuild(name: string): { guildId: string; channelId: string } {
    const guildId = this.ids.next();
    const channelId = this.ids.next();
    const owner = this.ensureUser(this.ids.next(), `${name}-owner`);
    this.otherGuilds.set(guildId, { info: { id: guildId, name, ownerId: owner.id, joinedAt: new Date().toISOString() }, channelId });
    this.channels.set(channelId, { id: channelId, type: GUILD_TEXT, name: 'general', guild_id: guildId });
    return { guildId, channelId };
  }

  /** Servers the bot was removed from (removeGuild), kept so restoreGuild brings the same one back. */
  private readonly departedGuilds = new Map<string, { info: GuildInfo; channelId: string }>();

  removeGuild(guildId: string): void {
    const g = this.otherGuilds.get(guildId);
    if (!g) throw new Error(`fake-discord: removeGuild(${guildId}): only a server added with addGuild can be left`);
    this.otherGuilds.delete(guildId);
    this.departedGuilds.set(guildId, g);
  }

  restoreGuild(guildId: string): void {
    const g = this.departedGuilds.get(guildId);
    if (!g) throw new Error(`fake-discord: restoreGuild(${guildId}): the bot was not removed from that server`);
    this.departedGuilds.delete(guildId);
    this.otherGuilds.set(guildId, g);
  }

  guildChannels(guildId = this.guildId): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.guild_id === guildId);
  }

  dmChannelFor(userId: string): FakeChannel {
    for (const c of this.channels.values()) if (c.type === DM && c.recipientId === userId) return c;
    const ch: FakeChannel = { id: this.ids.next(), type: DM, name: null, recipientId: userId };
    this.channels.set(ch.id, ch);
    return ch;
  }

  // ---- messages ----------------------------------------------------------------------------

  /** Turn uploaded files into attachment objects, hosting their bytes so the URL is fetchable. */
  attachmentsFor(channelId: string, files: UploadedFile[], descriptors: Json[] | undefined): Json[] {
    return files.map((f, i) => {
      const id = this.ids.next();
      const desc = descriptors?.find((d) => String(d.id) === String(i));
      const meta = this.host(id, desc?.filename ?? f.filename, f.data, f.contentType, `${channelId}/${id}`);
      return { ...meta, description: desc?.description, ephemeral: false };
    });
  }

  host(id: string, filename: string, data: Buffer, contentType: string | undefined, dir = id): HostedAttachment {
    const url = `${this.baseUrl}/attachments/${dir}/${encodeURIComponent(filename)}`;
    const meta: HostedAttachment = { id, filename, size: data.length, url, proxy_url: url };
    if (contentType) meta.content_type = contentType;
    this.hosted.set(`/attachments/${dir}/${encodeURIComponent(filename)}`, { meta, data });
    return meta;
  }

  createMessage(init: {
    channelId: string;
    body: Json;
    files?: UploadedFile[];
    type?: number;
    viaInteraction?: InteractionRecord;
    loading?: boolean;
  }): StoredMessage {
    const ix = init.viaInteraction;
    const msg = messageObject({
      id: this.ids.next(),
      channel_id: init.channelId,
      author: this.botUser,
      body: init.body,
      type: init.type,
      attachments: this.attachmentsFor(init.channelId, init.files ?? [], init.body?.attachments),
      webhook_id: ix ? this.applicationId : undefined,
      application_id: ix ? this.applicationId : undefined,
      interaction_metadata: ix
        ? {
            id: ix.id,
            type: ix.type,
            user: ix.payload.member?.user ?? ix.payload.user,
            authorizing_integration_owners: ix.payload.authorizing_integration_owners,
            name: ix.payload.data?.name,
          }
        : undefined,
    });
    if (init.loading) msg.flags |= LOADING_FLAG;
    this.store.set(msg.id, msg);
    return msg;
  }

  /** Discord's nonce dedupe: same channel + nonce within a few minutes returns the existing message. */
  findByNonce(channelId: string, nonce: unknown): StoredMessage | undefined {
    const hit = this.nonces.get(`${channelId}:${String(nonce)}`);
    if (!hit || Date.now() - hit.at > NONCE_WINDOW_MS) return undefined;
    return this.store.get(hit.messageId);
  }

  rememberNonce(channelId: string, nonce: unknown, messageId: string): void {
    this.nonces.set(`${channelId}:${String(nonce)}`, { messageId, at: Date.now() });
  }

  clearLoading(msg: StoredMessage): void {
    msg.flags &= ~LOADING_FLAG;
  }

  // ---- faults -----------------------------------------------------------------------------

  addFault(match: RequestMatch, fault: { failure?: FailureSpec; delayMs?: number }, times: number): void {
    this.faults.push({ match, remaining: times, ...fault });
  }

  /** Consume the first matching delay and the first matching failure (each at most once per request). */
  takeFaults(method: string, path: string): { delayMs?: number; failure?: FailureSpec } {
    const take = (want: 'delay' | 'fail'): Fault | undefined => {
      const f = this.faults.find(
        (x) =>
          x.remaining > 0 &&
          (want === 'delay' ? x.delayMs !== undefined : x.failure !== undefined) &&
          (!x.match.method || x.match.method.toUpperCase() === method) &&
          (!x.match.pathPrefix || path.startsWith(x.match.pathPrefix)),
      );
      if (f) f.remaining--;
      this.faults = this.faults.filter((x) => x.remaining > 0);
      return f;
    };
    return { delayMs: take('delay')?.delayMs, failure: take('fail')?.failure };
  }

  // ---- waiting ----------------------------------------------------------------------------

  /**
   * Resolve with the first truthy value of `check()`, re-evaluated on every 'change'. Rejects with
   * `describe()` after `timeoutMs`, or when the fake is closed.
   */
  waitUntil<T>(check: () => T | undefined | null | false, timeoutMs: number, describe: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (err: Error | null, value?: T): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.off('change', attempt);
        this.off('closed', onClosed);
        if (err) reject(err);
        else resolve(value as T);
      };
      const attempt = (): void => {
        try {
          const v = check();
          if (v) finish(null, v);
        } catch (e) {
          finish(e as Error);
        }
      };
      const onClosed = (): void => finish(new Error(`fake Discord closed while waiting: ${describe()}`));
      const timer = setTimeout(() => finish(new Error(describe())), timeoutMs);
      this.on('change', attempt);
      this.on('closed', onClosed);
      attempt();
    });
  }
}
