/**
 * Proves the loopback fake Discord speaks enough of the real protocol for the REAL discord.js client:
 * login/READY/GUILD_CREATE, command registration, every interaction response style, channel
 * messages (allowed mentions, nonce dedupe, errors), fault injection, and gateway resume/re-identify.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { inflateSync } from 'node:zlib';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  REST,
  Routes,
  SlashCommandBuilder,
  type ClientOptions,
  type Interaction,
  type TextChannel,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from '../fake-discord/server.js';

let fake: FakeDiscord | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.destroy();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

async function startBot(
  opts: FakeDiscordOptions = {},
  clientOpts: Partial<ClientOptions> = {},
): Promise<{ fake: FakeDiscord; client: Client; readyMs: number }> {
  fake = await startFakeDiscord(opts);
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl }, ...clientOpts });
  const t0 = Date.now();
  const ready = once(client, Events.ClientReady);
  await client.login(fake.token);
  await ready;
  return { fake, client, readyMs: Date.now() - t0 };
}

/** Route interactions to a test-local handler; surfaces handler errors instead of hanging. */
function onInteraction(c: Client, handler: (i: Interaction) => Promise<unknown>): void {
  c.on(Events.InteractionCreate, (i) => {
    handler(i).catch((e) => console.error('test interaction handler failed:', e));
  });
}

const commands = [
  new SlashCommandBuilder().setName('ping').setDescription('Replies pong'),
  new SlashCommandBuilder()
    .setName('digest')
    .setDescription('Digest settings')
    .addSubcommand((s) =>
      s
        .setName('set')
        .setDescription('Set the digest channel')
        .addChannelOption((o) => o.setName('channel').setDescription('Where').setRequired(true))
        .addIntegerOption((o) => o.setName('hour').setDescription('When').setRequired(true)),
    )
    .addSubcommand((s) => s.setName('show').setDescription('Show settings')),
  new SlashCommandBuilder()
    .setName('find')
    .setDescription('Find a passage')
    .addStringOption((o) => o.setName('topic').setDescription('Topic').setAutocomplete(true).setRequired(true)),
  new SlashCommandBuilder()
    .setName('add')
    .setDescription('Add a document')
    .addAttachmentOption((o) => o.setName('file').setDescription('The document').setRequired(true)),
].map((c) => c.toJSON());

describe('fake Discord + real discord.js client', () => {
  it('GIVEN a fresh fake WHEN the client logs in THEN it is ready without the 15 s guild wait and caches the guild', async () => {
    const { fake, client, readyMs } = await startBot();
    expect(readyMs).toBeLessThan(5_000); // GUILD_CREATE arrived; discord.js would otherwise wait 15 s
    expect(client.user?.id).toBe(fake.botUserId);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(fake.guildId);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.get(fake.channelId)?.name).toBe('general');
    expect(guild?.members.me?.id).toBe(fake.botUserId);
    expect(fake.identifyCount).toBe(1);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /gateway/bot');
    expect(fake.unmatchedRequests()).toEqual([]);
    for (const id of [fake.applicationId, fake.guildId, fake.channelId, fake.botUserId]) expect(id).toMatch(/^\d{17,19}$/);
  });

  it('GIVEN a REST client WHEN it bulk-overwrites global and guild commands THEN the fake stores them with stable ids', async () => {
    fake = await startFakeDiscord();
    const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
    const put = (await rest.put(Routes.applicationCommands(fake.applicationId), { body: commands })) as { id: string; name: string }[];
    expect(put.map((c) => c.name)).toEqual(['ping', 'digest', 'find', 'add']);
    expect(fake.commands.global.map((c) => c.name)).toEqual(['ping', 'digest', 'find', 'add']);
    for (const c of put) expect(c.id).toMatch(/^\d{17,19}$/);

    const again = (await rest.put(Routes.applicationCommands(fake.applicationId), { body: commands })) as { id: string }[];
    expect(again.map((c) => c.id)).toEqual(put.map((c) => c.id)); // re-deploy keeps ids, like Discord

    await rest.put(Routes.applicationGuildCommands(fake.applicationId, fake.guildId), { body: [commands[0]] });
    expect(fake.commands.guild.get(fake.guildId)?.map((c) => c.name)).toEqual(['ping']);
    const listed = (await rest.get(Routes.applicationCommands(fake.applicationId))) as unknown[];
    expect(listed).toHaveLength(4);

    const bad = rest.put(Routes.applicationCommands(fake.applicationId), { body: [{ name: 'Bad Name', description: 'x' }] });
    await expect(bad).rejects.toMatchObject({ code: 50035, status: 400 });
    expect(fake.unmatchedRequests()).toEqual([]);
  });

  it('GIVEN a chat-input command WHEN the bot replies THEN the callback, flags and content are recorded', async () => {
    const { fake, client } = await startBot();
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand() && i.commandName === 'ping') await i.reply({ content: 'pong', allowedMentions: { parse: [] } });
    });
    const res = await fake.sendCommand('ping');
    expect(res.responses).toEqual([expect.objectContaining({ kind: 'callback', type: 4 })]);
    expect(res.final()?.content).toBe('pong');
    expect(res.ephemeral).toBe(false);
    expect(res.deferred).toBe(false);
    expect(res.ackMs).toBeGreaterThanOrEqual(0);
    const cb = fake.requests.find((r) => r.path.endsWith('/callback'))!;
    expect(cb.headers.authorization).toBeUndefined(); // interaction routes are token-in-URL
    expect(cb.query).toEqual({ with_response: 'false' });
    expect(cb.body.data.allowed_mentions).toEqual({ parse: [] });
  });

  it('GIVEN a slow command WHEN the bot defers then edits THEN the result is deferred with the edited content', async () => {
    const { fake, client } = await startBot();
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await sleep(30);
      await i.editReply({ content: 'done', embeds: [{ description: 'quoted passage' }] });
    });
    const res = await fake.sendCommand('ping');
    expect(res.deferred).toBe(true);
    expect(res.responses.map((r) => r.kind)).toEqual(['callback', 'edit']);
    expect(res.final()).toMatchObject({ content: 'done', embeds: [{ description: 'quoted passage' }] });
  });

  it('GIVEN an ephemeral reply and a deferred ephemeral reply with follow-ups THEN ephemerality and follow-ups are tracked', async () => {
    const { fake, client } = await startBot();
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return;
      if (i.commandName === 'ping') return i.reply({ content: 'secret', flags: MessageFlags.Ephemeral });
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.followUp({ content: 'first' }); // replaces the "thinking…" message, as on Discord
      await i.followUp({ content: 'second', flags: MessageFlags.Ephemeral });
    });
    const eph = await fake.sendCommand('ping');
    expect(eph.ephemeral).toBe(true);
    expect(eph.final()?.flags! & 64).toBe(64);

    const res = await fake.sendCommand('digest', {}, { subcommand: 'show' });
    expect(res.ephemeral).toBe(true);
    await res.waitFor(3);
    expect(res.final()?.content).toBe('first');
    expect(res.followups().map((m) => m.content)).toEqual(['second']);
  });

  it('GIVEN registered commands WHEN a subcommand with channel/integer options and an attachment option are sent THEN discord.js resolves them', async () => {
    const { fake, client } = await startBot();
    await new REST({ api: fake.apiUrl }).setToken(fake.token).put(Routes.applicationCommands(fake.applicationId), { body: commands });
    const att = fake.addAttachment('notes.txt', 'The quick brown fox.');
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return;
      if (i.commandName === 'digest') {
        const ch = i.options.getChannel('channel', true);
        return i.reply(`${i.options.getSubcommand()} ${ch.id} ${(ch as TextChannel).name} ${i.options.getInteger('hour')}`);
      }
      if (i.commandName === 'add') {
        const file = i.options.getAttachment('file', true);
        const text = await (await fetch(file.url)).text();
        return i.reply(`${file.name}: ${text}`);
      }
    });
    // With the command registered, the fake types options from its definition (7 = channel, 4 = integer).
    const digest = await fake.sendCommand('digest', { channel: fake.channelId, hour: 9 }, { subcommand: 'set' });
    expect(digest.final()?.content).toBe(`set ${fake.channelId} general 9`);
    expect(digest.payload.data.id).toBe(fake.commands.global.find((c) => c.name === 'digest').id);

    const add = await fake.sendCommand('add', { file: att.id });
    expect(add.final()?.content).toBe('notes.txt: The quick brown fox.');
    expect(fake.downloads).toHaveLength(1);

    await expect(fake.sendCommand('digest', { nope: 1 }, { subcommand: 'set' })).rejects.toThrow(/no option "nope"/);
  });

  it('GIVEN withResponse, a file upload, fetchReply and deleteReply THEN each behaves like Discord', async () => {
    const { fake, client } = await startBot();
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return;
      const resp = await i.reply({ content: 'exporting…', withResponse: true });
      const csv = Buffer.from('a,b\n1,2\n');
      await i.editReply({ content: `export of ${resp.resource?.message?.id}`, files: [{ attachment: csv, name: 'export.csv' }] });
      const fetched = await i.fetchReply();
      await i.followUp({ content: `fetched ${fetched.attachments.first()?.name}` });
      await i.deleteReply();
    });
    const res = await fake.sendCommand('ping');
    const log = await res.waitFor(4);
    expect(log.map((r) => r.kind)).toEqual(['callback', 'edit', 'followup', 'delete']);
    const cb = fake.requests.find((r) => r.path.endsWith('/callback'))!;
    expect(cb.query).toEqual({ with_response: 'true' });
    const edit = fake.requests.find((r) => r.method === 'PATCH')!;
    expect(edit.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(edit.files).toMatchObject([{ field: 'files[0]', filename: 'export.csv', size: 8 }]);
    expect(log[1]).toMatchObject({ kind: 'edit', messageId: '@original' });
    expect(edit.body.content).toMatch(/^export of \d{17,19}$/);
    expect(res.final()).toBeUndefined(); // deleted
    expect(res.followups().map((m) => m.content)).toEqual(['fetched export.csv']);
  });

  it('GIVEN a short heartbeat interval THEN the fake acks heartbeats and the client measures ping', async () => {
    const { fake, client } = await startBot({ heartbeatIntervalMs: 60 });
    await sleep(200);
    expect(fake.gatewayLog.some((e) => e.dir === 'in' && e.op === 1)).toBe(true);
    expect(fake.gatewayLog.some((e) => e.dir === 'out' && e.op === 11)).toBe(true);
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
  });

  it('GIVEN an autocomplete option WHEN the user types THEN the bot answers with choices', async () => {
    const { fake, client } = await startBot();
    onInteraction(client, async (i) => {
      if (!i.isAutocomplete()) return;
      const typed = i.options.getFocused();
      const topics = ['climate', 'climbing', 'budget'];
      await i.respond(topics.filter((t) => t.startsWith(typed)).map((t) => ({ name: t, value: t })));
    });
    const { choices } = await fake.sendAutocomplete('find', { topic: 'cli' }, 'topic');
    expect(choices.map((c) => c.value)).toEqual(['climate', 'climbing']);
  });

  it('GIVEN a reply with a button WHEN the user clicks it THEN the component interaction updates the message', async () => {
    const { fake, client } = await startBot();
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('more:2').setLabel('More').setStyle(ButtonStyle.Primary),
        );
        return i.reply({ content: 'page 1', components: [row] });
      }
      if (i.isButton() && i.customId === 'more:2') {
        expect(i.message.content).toBe('page 1');
        return i.update({ content: 'page 2', components: [] });
      }
    });
    const cmd = await fake.sendCommand('ping');
    const click = await fake.sendComponent('more:2');
    expect(click.responses).toEqual([expect.objectContaining({ kind: 'callback', type: 7 })]);
    expect(click.final()).toMatchObject({ id: cmd.final()!.id, content: 'page 2', components: [] });
    expect(cmd.final()?.content).toBe('page 2'); // same message
  });

  it('GIVEN a public defer WHEN the bot deletes it and follows up ephemerally THEN sendCommand waits for the follow-up', async () => {
    const { fake, client } = await startBot();
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.deleteReply();
      await i.followUp({ content: 'only you can see this', flags: MessageFlags.Ephemeral });
    });
    const res = await fake.sendCommand('ping');
    expect(res.responses.map((r) => r.kind)).toEqual(['callback', 'delete', 'followup']);
    expect(res.final()).toBeUndefined();
    expect(res.followups()).toMatchObject([{ content: 'only you can see this', flags: 64 }]);
  });

  it('GIVEN a button WHEN the bot defers the update then edits THEN the clicked message changes', async () => {
    const { fake, client } = await startBot();
    onInteraction(client, async (i) => {
      if (!i.isButton()) return;
      await i.deferUpdate();
      await i.editReply({ content: 'refreshed' });
    });
    const channel = (await client.channels.fetch(fake.channelId)) as TextChannel;
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('refresh').setLabel('Refresh').setStyle(ButtonStyle.Secondary),
    );
    const posted = await channel.send({ content: 'stale', components: [row] });
    const click = await fake.sendComponent('refresh');
    expect(click.deferred).toBe(true);
    expect(click.final()).toMatchObject({ id: posted.id, content: 'refreshed' });
    expect(fake.messages.find((m) => m.id === posted.id)?.content).toBe('refreshed');
  });

  it('GIVEN the bot fetches a channel WHEN it sends with allowedMentions and an enforced nonce THEN one message is recorded', async () => {
    const { fake, client } = await startBot();
    const channel = (await client.channels.fetch(fake.channelId)) as TextChannel;
    const sent = await channel.send({ content: 'hello <@123456789012345678>', allowedMentions: { parse: [] } });
    const rec = await fake.waitForMessage((m) => m.content.startsWith('hello'));
    expect(rec.id).toBe(sent.id);
    expect(rec.allowed_mentions).toEqual({ parse: [] });

    const a = await channel.send({ content: 'digest', nonce: 'n-1', enforceNonce: true });
    const b = await channel.send({ content: 'digest', nonce: 'n-1', enforceNonce: true });
    expect(b.id).toBe(a.id);
    expect(fake.messages.filter((m) => m.content === 'digest')).toHaveLength(1);
    expect(fake.messages.find((m) => m.id === a.id)).toMatchObject({ nonce: 'n-1', enforce_nonce: true });
  });

  it('GIVEN forbidden and unknown channels THEN sends fail with Discord error codes', async () => {
    const { fake, client } = await startBot();
    const secret = fake.addChannel(undefined, 'secret');
    await sleep(20); // CHANNEL_CREATE reaches the client's cache
    const ch = (await client.channels.fetch(secret)) as TextChannel;
    expect(ch.name).toBe('secret');
    fake.forbidChannel(secret);
    const err = await ch.send('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect(err).toMatchObject({ code: 50013, status: 403 });
    await expect(client.channels.fetch('1100000000000000001')).rejects.toMatchObject({ code: 10003, status: 404 });
    const general = (await client.channels.fetch(fake.channelId)) as TextChannel;
    await expect(general.send({ content: 'x'.repeat(2001) })).rejects.toMatchObject({ code: 50035 });
    expect(fake.messages).toEqual([]);
  });

  it('GIVEN injected failures WHEN discord.js retries a 500 and a 429 THEN the message still lands once', async () => {
    const { fake, client } = await startBot();
    const channel = (await client.channels.fetch(fake.channelId)) as TextChannel;
    fake.failNext({ method: 'POST', pathPrefix: `/channels/${fake.channelId}/messages` }, { status: 500 });
    fake.failNext({ method: 'POST', pathPrefix: '/channels/' }, { status: 429 });
    await channel.send('resilient');
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/channels/'));
    expect(posts.map((r) => r.status)).toEqual([500, 429, 200]);
    expect(fake.messages.map((m) => m.content)).toEqual(['resilient']);
  });

  it('GIVEN a bot that never answers or answers late THEN the fake reports it clearly', async () => {
    const { fake, client } = await startBot({ ackDeadlineMs: 100 });
    let lateError: unknown;
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand() || i.commandName !== 'late') return;
      await sleep(200);
      await i.reply('too late').catch((e: unknown) => (lateError = e));
    });
    await expect(fake.sendCommand('silent', {}, { timeoutMs: 300 })).rejects.toThrow(/did not settle within 300 ms[\s\S]*received: nothing/);
    await expect(fake.sendCommand('late', {}, { timeoutMs: 400 })).rejects.toThrow(/did not settle/);
    expect(lateError).toMatchObject({ code: 10062 }); // Unknown interaction, as Discord answers after 3 s
  });

  it('GIVEN a DM WHEN the user runs a command THEN the interaction has a user and no guild', async () => {
    const { fake, client } = await startBot();
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) await i.reply(`${i.inGuild() ? 'guild' : 'dm'} ${i.user.id}`);
    });
    const res = await fake.sendCommand('ping', {}, { guildId: null });
    expect(res.payload.context).toBe(1);
    expect(res.final()?.content).toBe(`dm ${fake.defaultUserId}`);
  });

  it('GIVEN a dropped gateway WHEN discord.js reconnects THEN it resumes and still answers interactions', async () => {
    const { fake, client } = await startBot();
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) await i.reply('still here');
    });
    const resumed = once(client, Events.ShardResume);
    fake.dropGateway(); // 4000: resumable
    await resumed;
    expect(fake.resumeCount).toBe(1);
    expect(fake.identifyCount).toBe(1);
    const res = await fake.sendCommand('ping');
    expect(res.final()?.content).toBe('still here');
  });

  it('GIVEN op 9 (resumable) THEN the client resumes on the same socket', async () => {
    const { fake } = await startBot();
    fake.invalidateSession(true);
    await fake.waitForGatewayReady();
    expect(fake.resumeCount).toBe(1);
    expect(fake.identifyCount).toBe(1);
  });

  it('GIVEN op 9 (not resumable) THEN the client re-identifies and keeps working', async () => {
    // discord.js spaces IDENTIFYs ≥5 s apart per its identify throttler; skip that wait here.
    const { fake, client } = await startBot({}, { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) } });
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) await i.reply('after re-identify');
    });
    fake.invalidateSession(false);
    const res = await fake.sendCommand('ping'); // waits for the new session
    expect(fake.identifyCount).toBe(2);
    expect(fake.resumeCount).toBe(0);
    expect(res.final()?.content).toBe('after re-identify');
  });

  it('GIVEN compress=zlib-stream THEN gateway payloads are one zlib stream flushed per payload', async () => {
    fake = await startFakeDiscord();
    const ws = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
    const frames: Buffer[] = [];
    const gotReady = new Promise<void>((resolve) =>
      ws.on('message', (d: Buffer) => {
        frames.push(d);
        if (frames.length === 1) ws.send(JSON.stringify({ op: 2, d: { token: fake!.token, intents: 1, properties: {} } }));
        if (frames.length === 3) resolve(); // HELLO, READY, GUILD_CREATE
      }),
    );
    await gotReady;
    for (const f of frames) expect(f.subarray(-4)).toEqual(Buffer.from([0, 0, 0xff, 0xff]));
    // The frames are consecutive pieces of ONE deflate stream: inflate them together.
    const text = inflateSync(Buffer.concat(frames), { finishFlush: 2 /* Z_SYNC_FLUSH */ }).toString();
    const payloads = text.split(/(?<=\})(?=\{"op")/).map((t) => JSON.parse(t));
    expect(payloads.map((p) => p.t ?? p.op)).toEqual([10, 'READY', 'GUILD_CREATE']);
    ws.close();
    await once(ws, 'close');
  });
});
