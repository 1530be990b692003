import { Events, InteractionContextType } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COOLDOWNS } from '../../src/abuse/cooldown.js';
import { RESTARTING } from '../../src/discord/interactions.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { GENERIC_ERROR } from '../../src/interactions/run.js';
import { startServiceHarness, type ServiceHarness } from '../helpers/service.js';

const SLUG = 'putin-sharif-sco';
let h: ServiceHarness;

/** Every REST call the bot made for one interaction: callbacks, edits and follow-ups. */
function callsFor(id: string, token: string) {
  return h.fake.requests.filter((r) => r.path.startsWith(`/interactions/${id}/`) || r.path.includes(`/${token}`));
}

/** The boundary logs its last line just after Discord acknowledges, so wait for it. */
async function handledLine(id: string) {
  for (let i = 0; i < 200; i++) {
    const line = h.lines.find((l) => l.interactionId === id && l.msg === 'interaction handled');
    if (line) return line;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`interaction ${id} was never logged as handled`);
}

async function metric(name: string): Promise<string[]> {
  const text = await (await fetch(`${h.healthUrl}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name));
}

beforeAll(async () => {
  h = await startServiceHarness();
});

afterAll(async () => {
  const sent = h.fake.requests.filter((r) => /^\/(interactions|webhooks|channels)\//.test(r.path) && r.body && r.method !== 'GET');
  expect(sent.length).toBeGreaterThan(5);
  for (const r of sent) {
    const data = r.body.data ?? r.body;
    if (typeof data.content === 'string') expect(data.allowed_mentions, `${r.method} ${r.path}`).toEqual({ parse: [] });
  }
  expect(h.fake.unmatchedRequests()).toEqual([]);
  await h.close();
});

describe('gateway outages', () => {
  it('GIVEN the gateway connection drops mid-conversation THEN the bot resumes and answers the next command, with no listener leaked', async () => {
    const before = await h.fake.sendCommand('quote', { citation: `${SLUG}#p3.s2` });
    expect(before.final()?.content).toContain('wheat');
    const listeners = h.bot.client.eventNames().map((e) => [e, h.bot.client.listenerCount(e)]);
    const resumes = h.fake.resumeCount;
    for (let i = 0; i < 3; i++) {
      h.fake.dropGateway();
      const res = await h.fake.sendCommand('search', { query: 'wheat exports' });
      expect(res.final()?.content).toContain(`${SLUG}#p3.s2`);
    }
    expect(h.fake.resumeCount).toBe(resumes + 3);
    expect(h.bot.client.eventNames().map((e) => [e, h.bot.client.listenerCount(e)])).toEqual(listeners);
    expect(h.bot.client.listenerCount(Events.InteractionCreate)).toBe(1);
    expect((await metric('dossier_gateway_reconnects_total{event="resumed"}'))[0]).toMatch(/ [3-9]\d*$/);
  });

  it('GIVEN an invalid session THEN the bot re-identifies and answers', async () => {
    const identifies = h.fake.identifyCount;
    h.fake.invalidateSession(false);
    const res = await h.fake.sendCommand('sources', {});
    expect(res.final()?.content).toContain(SLUG);
    expect(h.fake.identifyCount).toBe(identifies + 1);
  });
});

describe('REST faults on the answer path', () => {
  it('GIVEN a 429 with retry-after on the interaction callback THEN the answer arrives once, after the wait', async () => {
    h.fake.failNext({ method: 'POST', pathPrefix: '/interactions/' }, {
      status: 429,
      headers: { 'retry-after': '0.2' },
      body: { message: 'You are being rate limited.', retry_after: 0.2, global: false },
    });
    const res = await h.fake.sendCommand('quote', { citation: `${SLUG}#p2.s1` });
    expect(res.final()?.content).toContain('Pakistan remains reluctant');
    expect(res.responses.filter((r) => r.kind === 'callback')).toHaveLength(1);
    const attempts = callsFor(res.id, res.token).map((r) => r.status);
    expect(attempts).toEqual([429, 204]);
  });

  it('GIVEN a 500 on the interaction callback THEN it is retried and the user sees one answer', async () => {
    h.fake.failNext({ method: 'POST', pathPrefix: '/interactions/' }, { status: 500, body: { message: 'Internal Server Error' } });
    const res = await h.fake.sendCommand('quote', { citation: `${SLUG}#p2.s1` });
    expect(res.final()?.content).toContain('Pakistan remains reluctant');
    expect(res.responses.filter((r) => r.kind === 'callback' || r.kind === 'followup')).toHaveLength(1);
  });

  it('GIVEN a 500 on the edit after a defer THEN the deferred answer still lands, once', async () => {
    h.fake.failNext({ method: 'PATCH', pathPrefix: '/webhooks/' }, { status: 500, body: { message: 'Internal Server Error' } });
    const res = await h.fake.sendCommand('summary', { document: SLUG });
    expect(res.deferred).toBe(true);
    expect(res.final()?.content).toMatch(/`putin-sharif-sco#p\d+\.s\d+`/);
    expect(res.responses.filter((r) => r.kind === 'edit' || r.kind === 'followup')).toHaveLength(1);
  });

  it('GIVEN a permanent 4xx on the callback THEN it is not retried, it is logged with the interaction, and the bot keeps serving', async () => {
    h.fake.failNext({ method: 'POST', pathPrefix: '/interactions/' }, { status: 400, body: { code: 50035, message: 'Invalid Form Body' } });
    const res = await h.fake.sendCommand('help', {});
    await handledLine(res.id);
    // The refused answer once, then the safe error message once: never a retry loop.
    expect(callsFor(res.id, res.token).map((r) => r.status)).toEqual([400, 204]);
    expect(res.final()?.content).toBe(GENERIC_ERROR);
    expect(res.ephemeral).toBe(true);
    expect(h.lines.find((l) => l.interactionId === res.id && l.msg === 'interaction failed')).toBeDefined();
    expect(await handledLine(res.id)).toMatchObject({ outcome: 'error' });
    const next = await h.fake.sendCommand('help', {});
    expect(next.final()?.content).toContain('/search');
  });
});

describe('hostile input through Discord', () => {
  it('GIVEN mention syntax, markdown and control characters in options THEN every answer pings no one and shows no live mention', async () => {
    const hostile = ['@everyone <@&123456789012345678> **x**', '<@123456789012345678>\n# head', '\u0000\u202e`||x||`', 'x'.repeat(100)];
    const sent = [];
    for (const text of hostile) {
      sent.push(await h.fake.sendCommand('search', { query: text.slice(0, 200) }));
      sent.push(await h.fake.sendCommand('quote', { citation: text.slice(0, 100) }));
      sent.push(await h.fake.sendCommand('topic', { name: text.slice(0, 100) }));
      sent.push(await h.fake.sendCommand('summary', { document: text.slice(0, 100) }));
    }
    for (const res of sent) {
      const content = res.final()?.content ?? '';
      expect(content.length).toBeGreaterThan(0);
      expect(content.replace(/`[^`\n]*`/g, '')).not.toMatch(/(^|[^\\])<@/);
      for (const r of res.responses) if ('data' in r && r.data && typeof r.data.content === 'string') expect(r.data.allowed_mentions).toEqual({ parse: [] });
    }
  });
});

describe('observability', () => {
  it('GIVEN interactions were handled THEN every log line of a request carries its id, command, guild and user, and the last its duration', async () => {
    const res = await h.fake.sendCommand('search', { query: 'hegemony' });
    await handledLine(res.id);
    const lines = h.lines.filter((l) => l.interactionId === res.id);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatchObject({ command: 'search', guildId: h.fake.guildId, userId: h.fake.defaultUserId });
    expect(lines.at(-1)).toMatchObject({ msg: 'interaction handled', outcome: 'ok', durationMs: expect.any(Number) });
  });

  it('GIVEN the health server THEN /healthz, /readyz and /metrics answer with live figures', async () => {
    expect((await fetch(`${h.healthUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.healthUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: [{ name: 'gateway', ok: true }, { name: 'library', ok: true }] });
    expect(await metric('dossier_interactions_total{command="search",outcome="ok"}')).toHaveLength(1);
    expect(await metric('dossier_index_documents')).toContainEqual('dossier_index_documents 1');
    expect((await metric('dossier_search_duration_seconds_count'))[0]).toMatch(/ [1-9]\d*$/);
    expect((await metric('dossier_interaction_duration_seconds_count{kind="command"}'))[0]).toMatch(/ [1-9]\d*$/);
    expect((await fetch(`${h.healthUrl}/nope`)).status).toBe(404);
  });

  it('GIVEN a refusal and a request the bot cannot act on THEN each is answered ephemerally and counted under its own outcome, not as ok', async () => {
    const count = async (labels: string) => Number((await metric(`dossier_interactions_total{${labels}}`))[0]?.split(' ').pop() ?? 0);
    const before = { refused: await count('command="digest",outcome="refused"'), rejected: await count('command="quote",outcome="rejected"') };
    const refused = await h.fake.sendCommand('digest', { channel: h.fake.channelId, time: '09:00', timezone: 'UTC' }, { subcommand: 'set', permissions: '0' });
    expect(refused.ephemeral).toBe(true);
    expect(refused.final()?.content).toMatch(/Manage Server/);
    expect(await handledLine(refused.id)).toMatchObject({ outcome: 'refused' });
    const rejected = await h.fake.sendCommand('quote', { citation: `${SLUG}#p999` });
    expect(rejected.ephemeral).toBe(true);
    expect(await handledLine(rejected.id)).toMatchObject({ outcome: 'rejected' });
    expect(await count('command="digest",outcome="refused"')).toBe(before.refused + 1);
    expect(await count('command="quote",outcome="rejected"')).toBe(before.rejected + 1);
  });
});

describe('cooldowns', () => {
  /** The buttons under an answer, as the user would click them. */
  const buttonsOf = (res: Awaited<ReturnType<ServiceHarness['fake']['sendCommand']>>): string[] =>
    (res.final()?.components ?? []).flatMap((row: { components: { custom_id?: string }[] }) => row.components.map((b) => b.custom_id).filter((id): id is string => Boolean(id)));

  it('GIVEN the default cooldowns and a person clicking through answers at a normal pace THEN nothing they do is held back', async () => {
    const own = await startServiceHarness({ cooldowns: DEFAULT_COOLDOWNS, health: false });
    try {
      const search = await own.fake.sendCommand('search', { query: 'wheat exports' });
      expect(search.ephemeral).toBe(false);
      const answers = [
        await own.fake.sendCommand('topic', { name: 'Energy deal' }),
        await own.fake.sendCommand('summary', {}),
        ...(await Promise.all(buttonsOf(search).slice(0, 2).map((id) => own.fake.sendComponent(id)))),
        await own.fake.sendCommand('sources', {}),
      ];
      expect(buttonsOf(search).length).toBeGreaterThan(0);
      for (const a of answers) expect(a.final()?.content ?? '').not.toMatch(/going a little fast|share of commands/);
      for (let i = 1; i <= 20; i++) expect((await own.fake.sendAutocomplete('quote', { citation: 'wheat exports'.slice(0, 3 + (i % 11)) }, 'citation')).choices.length).toBeGreaterThan(0);
    } finally {
      await own.close();
    }
  });

  it('GIVEN one user flooding searches THEN they are refused ephemerally with a retry time, others are unaffected, and the flooder\'s autocomplete dries up while others\' does not', async () => {
    const limited = await startServiceHarness({ cooldowns: { userBurst: 3, userPerMinute: 1, guildPerMinute: 0, autocompletePerMinute: 6 }, health: false });
    try {
      for (let i = 0; i < 3; i++) expect((await limited.fake.sendCommand('search', { query: 'wheat' })).ephemeral).toBe(false);
      const refused = await limited.fake.sendCommand('search', { query: 'wheat' });
      expect(refused.ephemeral).toBe(true);
      expect(refused.deferred).toBe(false);
      expect(refused.final()?.content).toMatch(/^You’re going a little fast: `\/search` is available to you again <t:\d+:R>\.$/);
      const other = await limited.fake.sendCommand('search', { query: 'wheat' }, { userId: limited.fake.addUser() });
      expect(other.ephemeral).toBe(false);
      // A burst of one keystroke (six a minute): the second gets no choices, another user's does.
      expect((await limited.fake.sendAutocomplete('search', { query: 'x', document: '' }, 'document')).choices.length).toBeGreaterThan(0);
      expect((await limited.fake.sendAutocomplete('search', { query: 'x', document: '' }, 'document')).choices).toEqual([]);
      const typist = limited.fake.addUser();
      expect((await limited.fake.sendAutocomplete('search', { query: 'x', document: '' }, 'document', { userId: typist })).choices.length).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('GIVEN searches in direct messages THEN they count against a per-user cap', async () => {
    const limited = await startServiceHarness({ cooldowns: { userBurst: 0, userPerMinute: 0, guildPerMinute: 2, autocompletePerMinute: 0 }, health: false });
    try {
      const dm = { guildId: null };
      for (let i = 0; i < 2; i++) expect((await limited.fake.sendCommand('search', { query: 'wheat' }, dm)).ephemeral).toBe(false);
      const refused = await limited.fake.sendCommand('search', { query: 'wheat' }, dm);
      expect(refused.final()?.content).toMatch(/^You’re going a little fast/);
      expect((await limited.fake.sendCommand('search', { query: 'wheat' }, { ...dm, userId: limited.fake.addUser() })).ephemeral).toBe(false);
    } finally {
      await limited.close();
    }
  });

  it('GIVEN the commands that change a server (/ingest, /forget, /digest) THEN they are registered for servers only, and one arriving in a DM anyway (a stale client) is refused privately', async () => {
    const commands = await loadCommands();
    const serverOnly = [...commands.values()].filter((c) => c.data.contexts?.length === 1 && c.data.contexts[0] === InteractionContextType.Guild).map((c) => c.data.name);
    expect(serverOnly.sort()).toEqual(['digest', 'forget', 'ingest']);
    const limited = await startServiceHarness({ health: false });
    try {
      const user = limited.fake.addUser();
      const res = await limited.fake.sendCommand('forget', { document: SLUG }, { guildId: null, userId: user });
      expect(res.ephemeral).toBe(true);
      expect(res.final()?.content).toContain('in a server');
      expect((await limited.fake.sendCommand('quote', { citation: `${SLUG}#p3.s2` }, { guildId: null, userId: user })).ephemeral).toBe(false);
    } finally {
      await limited.close();
    }
  });
});

describe('shutdown', () => {
  it('GIVEN shutdown has begun THEN an interaction in flight is still answered and a new one is told, ephemerally, to retry shortly', async () => {
    const own = await startServiceHarness({ health: false });
    try {
      own.fake.delayNext({ method: 'POST', pathPrefix: '/interactions/' }, 800);
      const inFlight = own.fake.sendCommand('quote', { citation: `${SLUG}#p3.s2` });
      while (own.lifecycle.active === 0) await new Promise((r) => setTimeout(r, 5));
      const stopping = own.lifecycle.shutdown(own.logger, 5_000);
      const late = await own.fake.sendCommand('search', { query: 'wheat' });
      expect(late.ephemeral).toBe(true);
      expect(late.final()?.content).toBe(RESTARTING);
      expect((await inFlight).final()?.content).toContain('wheat');
      expect(await stopping).toEqual({ drained: true });
      expect(own.bot.client.isReady()).toBe(false);
    } finally {
      await own.close();
    }
  });
});
