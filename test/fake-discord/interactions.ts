/**
 * The "user" side of interactions: builds INTERACTION_CREATE payloads the way Discord does, sends
 * them over the gateway and waits for the bot's REST answers (recorded by interaction-routes.ts).
 */
import { randomBytes } from 'node:crypto';
import type { FakeGateway } from './gateway.js';
import { ALL_PERMISSIONS, DM, channelObject, everyoneRole, memberObject, roleObject, toWire, walkComponents } from './payloads.js';
import type { FakeState, InteractionRecord } from './state.js';
import type {
  ComponentCtx,
  InteractionCtx,
  InteractionResponse,
  InteractionResult,
  Json,
  OptionInput,
  StoredMessage,
} from './types.js';

const SEND_MESSAGES = 1n << 11n;

const OPTION_TYPES: Record<number, string> = {
  1: 'SUB_COMMAND', 2: 'SUB_COMMAND_GROUP', 3: 'STRING', 4: 'INTEGER', 5: 'BOOLEAN', 6: 'USER',
  7: 'CHANNEL', 8: 'ROLE', 9: 'MENTIONABLE', 10: 'NUMBER', 11: 'ATTACHMENT',
};

export class InteractionDriver {
  constructor(
    private readonly state: FakeState,
    private readonly gateway: FakeGateway,
  ) {}

  async sendCommand(name: string, options: Record<string, OptionInput> = {}, ctx: InteractionCtx = {}): Promise<InteractionResult> {
    const payload = this.basePayload(2, ctx);
    payload.data = this.commandData(name, options, ctx, payload.guild_id);
    const ix = await this.dispatch(payload, ctx);
    await this.settle(ix, ctx, `/${commandLabel(name, ctx)}`);
    return this.result(ix);
  }

  async sendAutocomplete(
    name: string,
    options: Record<string, OptionInput>,
    focused: string,
    ctx: InteractionCtx = {},
  ): Promise<{ choices: { name: string; value: string | number }[] }> {
    if (!(focused in options)) throw new Error(`sendAutocomplete: focused option "${focused}" is not among the options given`);
    const payload = this.basePayload(4, ctx);
    payload.data = this.commandData(name, options, ctx, payload.guild_id, focused);
    delete payload.data.resolved; // Discord sends no resolved data while the user is still typing
    const ix = await this.dispatch(payload, ctx);
    await this.settle(ix, { ...ctx, settle: 'ack' }, `autocomplete /${commandLabel(name, ctx)} [${focused}]`);
    const cb = ix.firstCallback!;
    if (cb.type !== 8) throw new Error(`autocomplete /${name} was answered with callback type ${cb.type}, expected 8`);
    return { choices: cb.data?.choices ?? [] };
  }

  async sendComponent(customId: string, ctx: ComponentCtx = {}): Promise<InteractionResult> {
    const message = this.componentMessage(customId, ctx);
    const channel = this.state.channels.get(message.channel_id);
    const inDm = channel?.type === DM;
    const payload = this.basePayload(3, {
      ...ctx,
      channelId: message.channel_id,
      guildId: ctx.guildId !== undefined ? ctx.guildId : inDm ? null : (channel?.guild_id ?? this.state.guildId),
    });
    const component = [...walkComponents(message.components)].find((c) => c.custom_id === customId);
    payload.message = toWire(message);
    payload.data = {
      custom_id: customId,
      component_type: ctx.componentType ?? component?.type ?? 2,
      ...(ctx.values ? { values: ctx.values } : {}),
    };
    const ix = await this.dispatch(payload, ctx, message.id);
    await this.settle(ix, ctx, `component "${customId}"`);
    return this.result(ix);
  }

  /** Submit a modal: `fields` maps text-input custom_id → value. */
  async sendModalSubmit(customId: string, fields: Record<string, string>, ctx: ComponentCtx = {}): Promise<InteractionResult> {
    const payload = this.basePayload(5, ctx);
    payload.data = {
      custom_id: customId,
      components: Object.entries(fields).map(([id, value]) => ({
        type: 1,
        components: [{ type: 4, custom_id: id, value }],
      })),
    };
    const message = ctx.messageId ? this.state.store.get(ctx.messageId) : undefined;
    if (message) payload.message = toWire(message);
    const ix = await this.dispatch(payload, ctx, message?.id);
    await this.settle(ix, ctx, `modal "${customId}"`);
    return this.result(ix);
  }

  result(ix: InteractionRecord): InteractionResult {
    const state = this.state;
    const flagsOf = (): number => Number(ix.firstCallback?.data?.flags ?? 0);
    return {
      id: ix.id,
      token: ix.token,
      payload: ix.payload,
      responses: ix.responses,
      get ephemeral() {
        return (flagsOf() & 64) !== 0;
      },
      get deferred() {
        const t = ix.firstCallback?.type;
        return t === 5 || t === 6;
      },
      get ackMs() {
        return ix.firstCallback ? ix.firstCallback.at - ix.dispatchedAt : Number.NaN;
      },
      final() {
        if (ix.originalPending || !ix.originalMessageId) return undefined;
        const msg = state.store.get(ix.originalMessageId);
        return msg ? (structuredClone(toWire(msg)) as StoredMessage) : undefined;
      },
      followups() {
        return ix.followupIds.flatMap((id) => {
          const m = state.store.get(id);
          return m ? [structuredClone(toWire(m)) as StoredMessage] : [];
        });
      },
      waitFor: (count, timeoutMs) => this.waitForResponses(ix.id, count, timeoutMs),
    };
  }

  waitForResponses(interactionId: string, count: number, timeoutMs = this.state.options.settleTimeoutMs): Promise<InteractionResponse[]> {
    const ix = this.state.interactions.get(interactionId);
    if (!ix) return Promise.reject(new Error(`unknown interaction ${interactionId}`));
    return this.state.waitUntil(
      () => ix.responses.length >= count && ix.responses,
      timeoutMs,
      () => `interaction ${ix.id}: expected ${count} responses within ${timeoutMs} ms, got ${ix.responses.length}: ${this.summary(ix)}`,
    );
  }

  // ---- payload building -----------------------------------------------------------------

  private basePayload(type: number, ctx: InteractionCtx): Json {
    const s = this.state;
    const user = s.ensureUser(ctx.userId ?? s.defaultUserId, ctx.username);
    const guildId = ctx.guildId === undefined ? s.guildId : ctx.guildId;
    const common = {
      id: s.ids.next(),
      application_id: s.applicationId,
      type,
      token: `fake-ix-${randomBytes(24).toString('base64url')}`,
      version: 1,
      locale: ctx.locale ?? 'en-US',
      entitlements: [],
      attachment_size_limit: 26_214_400,
    };
    if (guildId) {
      const channelId = ctx.channelId ?? s.defaultChannel(guildId);
      const ch = s.channels.get(channelId) ?? { id: channelId, type: 0, name: 'unknown', guild_id: guildId };
      // The bot's effective permissions in the channel: a forbidden channel lacks SEND_MESSAGES.
      const app = s.forbidden.has(channelId) ? (BigInt(ALL_PERMISSIONS) & ~SEND_MESSAGES).toString() : ALL_PERMISSIONS;
      return {
        ...common,
        guild_id: guildId,
        guild: { id: guildId, locale: 'en-US', features: [] },
        guild_locale: 'en-US',
        channel_id: channelId,
        channel: { ...channelObject(ch), permissions: app },
        member: { ...memberObject(user, ctx.roles ?? []), permissions: ctx.permissions ?? ALL_PERMISSIONS },
        app_permissions: app,
        authorizing_integration_owners: { '0': guildId },
        context: 0,
      };
    }
    const dm = (ctx.channelId && s.channels.get(ctx.channelId)) || s.dmChannelFor(user.id);
    return {
      ...common,
      channel_id: dm.id,
      channel: channelObject(dm, user),
      user,
      app_permissions: ALL_PERMISSIONS,
      // GUILD_INSTALL owner is "0" when the interaction happens in the bot's DM
      authorizing_integration_owners: { '0': '0' },
      context: 1,
    };
  }

  /** The registered definition (guild scope first, then global) or undefined if none was PUT. */
  private findCommand(name: string, guildId: string | undefined): Json | undefined {
    const guildCmds = guildId ? (this.state.commands.guild.get(guildId) ?? []) : [];
    return [...guildCmds, ...this.state.commands.global].find((c) => c.name === name && (c.type ?? 1) === 1);
  }

  private commandData(
    name: string,
    input: Record<string, OptionInput>,
    ctx: InteractionCtx,
    guildId: string | undefined,
    focused?: string,
  ): Json {
    const def = this.findCommand(name, guildId);
    const leafDefs = def ? this.leafDefinitions(def, ctx) : undefined;
    const resolved: Json = {};
    const leaf = Object.entries(input).map(([optName, raw]) => {
      const defOpt = leafDefs?.find((o) => o.name === optName);
      if (leafDefs && !defOpt) {
        throw new Error(
          `/${commandLabel(name, ctx)} has no option "${optName}" (registered: ${leafDefs.map((o) => o.name).join(', ') || 'none'})`,
        );
      }
      const { type, value } = typedOption(raw, defOpt?.type, optName === focused);
      this.resolveInto(resolved, type, value, ctx, guildId);
      return { name: optName, type, value, ...(optName === focused ? { focused: true } : {}) };
    });
    let options: Json[] = leaf;
    if (ctx.subcommand) options = [{ name: ctx.subcommand, type: 1, options: leaf }];
    if (ctx.subcommandGroup) options = [{ name: ctx.subcommandGroup, type: 2, options }];
    return {
      id: def?.id ?? this.state.ids.next(),
      name,
      type: 1,
      options,
      ...(Object.keys(resolved).length ? { resolved } : {}),
      ...(def?.guild_id ? { guild_id: def.guild_id } : {}),
    };
  }

  /** Walk group → subcommand in a registered definition; throws on a path Discord would never send. */
  private leafDefinitions(def: Json, ctx: InteractionCtx): Json[] {
    let opts: Json[] = def.options ?? [];
    const pick = (kind: number, wanted: string | undefined, what: string): void => {
      const candidates = opts.filter((o) => o.type === kind);
      if (!candidates.length && !wanted) return;
      const hit = candidates.find((o) => o.name === wanted);
      if (!hit) {
        throw new Error(`/${def.name} needs ${what} one of: ${candidates.map((o) => o.name).join(', ') || '(none registered)'}; got ${wanted ?? 'none'}`);
      }
      opts = hit.options ?? [];
    };
    pick(2, ctx.subcommandGroup, 'subcommandGroup');
    pick(1, ctx.subcommand, 'subcommand');
    return opts;
  }

  /** Fill `resolved` for entity options, as Discord does, so discord.js can hand out objects. */
  private resolveInto(resolved: Json, type: number, value: unknown, ctx: InteractionCtx, guildId: string | undefined): void {
    const s = this.state;
    const id = String(value);
    const put = (bucket: string, obj: Json): void => void ((resolved[bucket] ??= {})[id] = obj);
    switch (type) {
      case 6:
      case 9: {
        const isRole = type === 9 && !s.users.has(id);
        if (isRole) return put('roles', id === s.guildId ? everyoneRole(id) : roleObject(id));
        put('users', s.ensureUser(id));
        if (guildId) {
          const { user: _u, ...member } = memberObject(s.users.get(id));
          put('members', { ...member, permissions: ALL_PERMISSIONS });
        }
        return;
      }
      case 7: {
        const ch = ctx.resolvedChannels?.[id] ?? s.channels.get(id);
        if (!ch) throw new Error(`channel option ${id}: unknown channel (fake.addChannel() it or pass ctx.resolvedChannels)`);
        return put('channels', { id: ch.id, type: ch.type, name: ch.name, permissions: ALL_PERMISSIONS, parent_id: null, ...(guildId ? { guild_id: guildId } : {}) });
      }
      case 8:
        return put('roles', id === s.guildId ? everyoneRole(id) : roleObject(id));
      case 11: {
        const att = ctx.attachments?.[id] ?? [...s.hosted.values()].find((h) => h.meta.id === id)?.meta;
        if (!att) throw new Error(`attachment option ${id}: unknown attachment (use fake.addAttachment() or ctx.attachments)`);
        return put('attachments', { proxy_url: att.url, ephemeral: true, ...att });
      }
    }
  }

  private componentMessage(customId: string, ctx: ComponentCtx): StoredMessage {
    const s = this.state;
    if (ctx.messageId) {
      const m = s.store.get(ctx.messageId);
      if (!m) throw new Error(`sendComponent: no stored message ${ctx.messageId}`);
      return m;
    }
    const newestFirst = [...s.store.values()].reverse();
    // A click in a named channel (another server's, say) is on a message there.
    const hit = newestFirst.find((m) => (!ctx.channelId || m.channel_id === ctx.channelId) && [...walkComponents(m.components)].some((c) => c.custom_id === customId));
    if (hit) return hit;
    // Nothing the bot posted carries this custom_id: click a button on a synthetic bot message
    // (handy for testing handlers of stale/foreign buttons).
    return s.createMessage({
      channelId: ctx.channelId ?? s.channelId,
      body: { content: '', components: [{ type: 1, components: [{ type: 2, style: 1, label: customId, custom_id: customId }] }] },
    });
  }

  // ---- dispatch & settle ----------------------------------------------------------------

  private async dispatch(payload: Json, ctx: InteractionCtx, componentMessageId?: string): Promise<InteractionRecord> {
    const ix: InteractionRecord = {
      id: payload.id,
      token: payload.token,
      type: payload.type,
      payload,
      channelId: payload.channel_id,
      dispatchedAt: Date.now(),
      responses: [],
      originalPending: false,
      followupIds: [],
      componentMessageId,
    };
    this.state.interactions.set(ix.id, ix);
    this.state.interactionsByToken.set(ix.token, ix);
    await this.gateway.dispatch('INTERACTION_CREATE', payload, ctx.timeoutMs ?? 5_000, () => {
      ix.dispatchedAt = Date.now(); // the 3 s ack window starts when the bot can see it
    });
    return ix;
  }

  /**
   * Resolve once the interaction is "settled": the first callback arrived and, if it was a deferral
   * (5, or 6 for components), also an edit or a follow-up — unless
   * ctx.settle === 'ack'.
   */
  private async settle(ix: InteractionRecord, ctx: InteractionCtx, label: string): Promise<void> {
    const timeoutMs = ctx.timeoutMs ?? this.state.options.settleTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const describe = (): string =>
      `fake-discord: ${label} (interaction ${ix.id}) did not settle within ${timeoutMs} ms.\n  received: ${this.summary(ix)}\n${this.relatedRequests(ix)}`;
    await this.state.waitUntil(() => ix.firstCallback, timeoutMs, describe);
    const deferred = ix.firstCallback!.type === 5 || ix.firstCallback!.type === 6;
    if (!deferred || ctx.settle === 'ack') return;
    await this.state.waitUntil(
      // Not 'delete': a bot that drops its public "thinking…" to follow up ephemerally is not done yet.
      () => ix.responses.some((r) => r.kind === 'edit' || r.kind === 'followup'),
      Math.max(deadline - Date.now(), 1),
      describe,
    );
  }

  private summary(ix: InteractionRecord): string {
    if (!ix.responses.length) return 'nothing';
    return ix.responses
      .map((r) => (r.kind === 'callback' ? `callback type ${r.type}${r.data?.flags ? ` (flags ${r.data.flags})` : ''}` : `${r.kind} ${'messageId' in r ? r.messageId : ''}`))
      .join(', ');
  }

  /** REST calls about this interaction (incl. rejected ones) and any unmatched routes, for errors. */
  private relatedRequests(ix: InteractionRecord): string {
    const lines = this.state.requests
      .filter((r) => r.unmatched || r.path.includes(ix.id) || r.path.includes(ix.token))
      .map((r) => `    ${r.method} ${r.path.replace(ix.token, '<token>')} → ${r.status}${r.status >= 400 ? ` ${JSON.stringify(r.responseBody)}` : ''}`);
    return lines.length ? `  REST:\n${lines.join('\n')}` : '  REST: no calls for this interaction';
  }
}

function commandLabel(name: string, ctx: InteractionCtx): string {
  return [name, ctx.subcommandGroup, ctx.subcommand].filter(Boolean).join(' ');
}

function typedOption(
  raw: OptionInput,
  defType: number | undefined,
  focused: boolean,
): { type: number; value: string | number | boolean } {
  if (typeof raw === 'object' && raw !== null) return raw;
  if (defType !== undefined) {
    if (defType === 1 || defType === 2) throw new Error(`option type ${OPTION_TYPES[defType]} cannot take a value; use ctx.subcommand`);
    // Discord sends finished numbers/booleans as JSON numbers/booleans; only the option being typed
    // in an autocomplete arrives as the raw string.
    if (!focused && typeof raw === 'string' && (defType === 4 || defType === 10)) return { type: defType, value: Number(raw) };
    if (!focused && typeof raw === 'string' && defType === 5) return { type: defType, value: raw === 'true' };
    return { type: defType, value: raw };
  }
  if (typeof raw === 'boolean') return { type: 5, value: raw };
  if (typeof raw === 'number') return { type: Number.isInteger(raw) ? 4 : 10, value: raw };
  return { type: 3, value: raw };
}
