/**
 * Builders for Discord API objects in the shape discord.js parses. discord.js constructs its
 * structures eagerly (Message, Guild, GuildMember, …) and reads many fields without null checks,
 * so these objects are deliberately "complete" rather than minimal.
 */
import type { FakeChannel, Json, StoredMessage } from './types.js';

/** Every permission bit Discord defines in API v10 (as the default for test members). */
export const ALL_PERMISSIONS = '2199023255551';
/** Everything except ADMINISTRATOR (8): used for @everyone so permission checks behave normally. */
export const EVERYONE_PERMISSIONS = (BigInt(ALL_PERMISSIONS) & ~8n).toString();

export const GUILD_TEXT = 0;
export const DM = 1;

export function userObject(id: string, username: string, bot = false): Json {
  return {
    id,
    username,
    discriminator: '0',
    global_name: bot ? null : username,
    avatar: null,
    bot,
    system: false,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

export function everyoneRole(guildId: string): Json {
  return {
    id: guildId, // the @everyone role shares the guild's id
    name: '@everyone',
    permissions: EVERYONE_PERMISSIONS,
    position: 0,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    managed: false,
    mentionable: false,
    flags: 0,
    icon: null,
    unicode_emoji: null,
  };
}

export function roleObject(id: string, name = `role-${id.slice(-4)}`): Json {
  return { ...everyoneRole(id), id, name, position: 1, permissions: '0' };
}

export function memberObject(user: Json, roles: string[] = [], joinedAt = new Date().toISOString()): Json {
  return {
    user,
    roles,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    nick: null,
    avatar: null,
    banner: null,
    communication_disabled_until: null,
  };
}

/** A channel as returned by GET /channels/:id and inside GUILD_CREATE. */
export function channelObject(ch: FakeChannel, recipient?: Json): Json {
  if (ch.type === DM) {
    return { id: ch.id, type: DM, last_message_id: null, flags: 0, recipients: recipient ? [recipient] : [] };
  }
  return {
    id: ch.id,
    type: ch.type,
    guild_id: ch.guild_id,
    name: ch.name,
    position: 0,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

export interface GuildInfo {
  id: string;
  name: string;
  ownerId: string;
  joinedAt: string;
}

/** The guild object of GET /guilds/:id (no channels/members; those come only with GUILD_CREATE). */
export function guildObject(g: GuildInfo): Json {
  return {
    id: g.id,
    name: g.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: g.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [everyoneRole(g.id)],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_members: 500000,
    max_presences: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    region: 'deprecated',
    hub_type: null,
    incidents_data: null,
  };
}

/** GUILD_CREATE adds the gateway-only fields discord.js needs to build a fully available guild. */
export function guildCreatePayload(g: GuildInfo, channels: Json[], members: Json[]): Json {
  return {
    ...guildObject(g),
    unavailable: false,
    large: false,
    lazy: true,
    joined_at: g.joinedAt,
    member_count: members.length + 1, // + the (absent) owner
    channels,
    threads: [],
    members,
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    embedded_activities: [],
  };
}

export interface MessageInit {
  id: string;
  channel_id: string;
  author: Json;
  body: Json;
  type?: number;
  webhook_id?: string;
  application_id?: string;
  attachments?: Json[];
  guild_id?: string;
  interaction_metadata?: Json;
}

/** A message object as Discord returns it from create/edit routes. */
export function messageObject(m: MessageInit): StoredMessage {
  const b = m.body ?? {};
  const msg: StoredMessage = {
    id: m.id,
    channel_id: m.channel_id,
    type: m.type ?? 0,
    author: m.author,
    content: typeof b.content === 'string' ? b.content : '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: Boolean(b.tts),
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    mention_channels: [],
    attachments: m.attachments ?? [],
    embeds: Array.isArray(b.embeds) ? b.embeds : [],
    components: Array.isArray(b.components) ? b.components : [],
    reactions: [],
    pinned: false,
    flags: typeof b.flags === 'number' ? b.flags : 0,
  };
  if (b.nonce !== undefined) msg.nonce = b.nonce;
  if (b.message_reference) msg.message_reference = b.message_reference;
  if (b.poll) msg.poll = b.poll;
  if (m.webhook_id) msg.webhook_id = m.webhook_id;
  if (m.application_id) msg.application_id = m.application_id;
  if (m.interaction_metadata) msg.interaction_metadata = m.interaction_metadata;
  return msg;
}

/**
 * Apply a PATCH body to a stored message the way Discord does: only fields present in the body
 * change (`content: null`/`''` clears, omitted fields are kept).
 */
export function applyEdit(msg: StoredMessage, body: Json, attachments?: Json[]): void {
  if (!body) return;
  if ('content' in body) msg.content = body.content ?? '';
  if ('embeds' in body) msg.embeds = body.embeds ?? [];
  if ('components' in body) msg.components = body.components ?? [];
  if ('flags' in body && typeof body.flags === 'number') {
    // Only SUPPRESS_EMBEDS (4) and the components-v2 flag can be changed by an edit; ephemeral stays.
    msg.flags = (msg.flags & 64) | (body.flags & ~64);
  }
  if ('attachments' in body || attachments?.length) {
    // `attachments` in an edit lists the ones to keep (by id) plus newly uploaded ones.
    const keep = new Set(((body.attachments ?? []) as Json[]).map((a) => String(a.id)));
    msg.attachments = [...msg.attachments.filter((a) => keep.has(String(a.id))), ...(attachments ?? [])];
  }
  msg.edited_timestamp = new Date().toISOString();
}

/** The fields of a stored message that are ours, not Discord's: strip before answering the bot. */
export function toWire(msg: StoredMessage): Json {
  const { allowed_mentions: _a, enforce_nonce: _e, files: _f, ...wire } = msg as Json;
  return wire;
}

/** Walk (possibly nested) components, yielding every one that has a custom_id. */
export function* walkComponents(components: Json[] | undefined): Generator<Json> {
  for (const c of components ?? []) {
    if (c && typeof c === 'object') {
      if (typeof c.custom_id === 'string') yield c;
      if (Array.isArray(c.components)) yield* walkComponents(c.components);
      if (c.accessory) yield* walkComponents([c.accessory]);
    }
  }
}
