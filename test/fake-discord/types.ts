/**
 * Public types of the fake Discord. Payloads are deliberately loose (`any`-ish JSON): the fake
 * echoes whatever discord.js sends, and tests assert on the raw API shapes.
 */
import type { IncomingHttpHeaders } from 'node:http';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface FakeDiscordOptions {
  applicationId?: string;
  guildId?: string;
  channelId?: string;
  botUserId?: string;
  /** Token accepted on REST (`Authorization: Bot <token>`) and in IDENTIFY. Default 'fake-bot-token'. */
  token?: string;
  /** HELLO heartbeat interval. discord.js sends its first beat after interval × random jitter. */
  heartbeatIntervalMs?: number;
  /**
   * Discord invalidates an interaction token that is not acknowledged within 3 s (the callback then
   * gets 404 10062 "Unknown interaction"). The fake enforces the same; 0 disables the check.
   */
  ackDeadlineMs?: number;
  /** Default time `sendCommand` & co. wait for the interaction to settle. Default 10 000 ms. */
  settleTimeoutMs?: number;
  /**
   * Shards the fake recommends in GET /gateway/bot (default 1). Whatever count a client
   * identifies with, each server's events go to shard (server id >> 22) % count, as on Discord.
   */
  shards?: number;
}

export interface UploadedFile {
  /** multipart field name, e.g. `files[0]` */
  field: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** path without the `/api/v10` prefix and without the query string, e.g. `/channels/123/messages` */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** parsed JSON body, or the `payload_json` part of a multipart body */
  body: Json;
  /** files of a multipart body */
  files: UploadedFile[];
  at: number;
  /** HTTP status the fake answered with */
  status: number;
  /** true when no route matched (the fake answered 404) — assert these stay empty */
  unmatched: boolean;
  /** true when the answer came from `failNext` */
  injected: boolean;
  /** what the fake answered, for error responses (status >= 400) — handy in failure messages */
  responseBody?: unknown;
}

export interface FakeChannel {
  id: string;
  type: number;
  name: string | null;
  guild_id?: string;
  /** DM channels only */
  recipientId?: string;
}

/** A message stored by the fake (channel message or interaction response), in API shape. */
export interface StoredMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: Json[];
  components: Json[];
  attachments: Json[];
  flags: number;
  [k: string]: Json;
}

/** A message the bot posted with `POST /channels/:id/messages`. */
export interface ChannelMessage extends StoredMessage {
  /** as sent by the bot (not part of Discord's response) */
  allowed_mentions?: Json;
  nonce?: string | number;
  enforce_nonce?: boolean;
  files: UploadedFile[];
}

export interface HostedAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
}

export interface InteractionCtx {
  userId?: string;
  username?: string;
  /** null = DM with the bot */
  guildId?: string | null;
  channelId?: string;
  /** member permission bitfield as decimal string; default all: '2199023255551' */
  permissions?: string;
  roles?: string[];
  attachments?: Record<string, { id: string; filename: string; size: number; url: string; content_type?: string }>;
  resolvedChannels?: Record<string, { id: string; type: number; name: string }>;
  subcommand?: string;
  subcommandGroup?: string;
  locale?: string;
  /** how long to wait for the interaction to settle (default: FakeDiscordOptions.settleTimeoutMs) */
  timeoutMs?: number;
  /**
   * 'content' (default): after a deferral, also wait for an edit of @original or a followup.
   * 'ack': resolve as soon as the first callback arrives.
   */
  settle?: 'content' | 'ack';
}

export interface ComponentCtx extends InteractionCtx {
  /** the message the component is on; default: newest stored message carrying that custom_id */
  messageId?: string;
  /** 2 = button (default), 3 = string select, … */
  componentType?: number;
  /** selected values, for select menus */
  values?: string[];
}

export type TypedOption = { type: number; value: string | number | boolean };
export type OptionInput = string | number | boolean | TypedOption;

export type InteractionResponse =
  | { kind: 'callback'; type: number; data?: Json; at: number }
  | { kind: 'edit'; messageId: string; data: Json; at: number }
  | { kind: 'followup'; messageId: string; data: Json; at: number }
  | { kind: 'delete'; messageId: string; at: number };

export interface InteractionResult {
  id: string;
  token: string;
  /** the INTERACTION_CREATE payload that was dispatched */
  payload: Json;
  /** ordered log of everything the bot did for this interaction (live: grows as the bot acts) */
  responses: InteractionResponse[];
  /** true if the first reply/defer had flags & 64 */
  readonly ephemeral: boolean;
  /** first callback was type 5 (or 6 for components) */
  readonly deferred: boolean;
  /** ms from dispatch to first callback */
  readonly ackMs: number;
  /** the message currently shown as @original (after all edits), or undefined */
  final(): StoredMessage | undefined;
  /** follow-up messages (current state), in creation order */
  followups(): StoredMessage[];
  /** wait until at least `count` responses are logged */
  waitFor(count: number, timeoutMs?: number): Promise<InteractionResponse[]>;
}

export interface FailureSpec {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RequestMatch {
  method?: string;
  /** matched against the recorded path (without /api/v10), e.g. '/channels/' or '/interactions/' */
  pathPrefix?: string;
}

export interface GatewayLogEntry {
  dir: 'in' | 'out';
  op: number;
  t?: string | null;
  s?: number | null;
  at: number;
}
