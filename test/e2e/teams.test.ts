import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type Bot } from '../../src/discord/bot.js';
import { startLibraryServices } from '../../src/ingest/index.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import type { InteractionCtx, InteractionResult, StoredMessage } from '../fake-discord/types.js';
import { FAST_IDENTIFY } from '../helpers/service.js';
import { registerCommands } from '../helpers/bot.js';
import { startIngestHarness, type IngestHarness } from '../helpers/ingest.js';

/**
 * Two Discord servers, one bot: what server A adds is A's alone. Server B must
 * not find it by any command, autocomplete or button — before and after a
 * restart — while the shared article answers in both.
 */

const SHARED = 'putin-sharif-sco';
const MEMO_SLUG = 'grain-corridor-memo';
const MEMO = `# Grain corridor memo

The Caspian grain corridor carries lentils northward every autumn.

Freight rates on the corridor doubled after the new customs rules.
`;
/** An unknown slug of the same shape: B's answers about A's memo must read exactly like answers about this. */
const NEVER = 'grain-corridor-mema';

let h: IngestHarness;
let b: { guildId: string; channelId: string };
let commands: Awaited<ReturnType<typeof loadCommands>>;

const inB = (): InteractionCtx => ({ guildId: b.guildId, channelId: b.channelId });

function shown(res: InteractionResult): string {
  const message: StoredMessage | undefined = res.followups().at(-1) ?? res.final();
  expect(message, 'the interaction has a visible message').toBeDefined();
  return message!.content;
}

const attach = (name: string, content: string) => ({ file: { type: 11, value: h.fake.addAttachment(name, content, 'text/markdown').id } });

/** B's answer, with the never-existing slug put back where A's slug was asked: identical when nothing leaks. */
async function sameAsUnknown(send: (slug: string) => Promise<InteractionResult>): Promise<void> {
  const leak = shown(await send(MEMO_SLUG));
  const unknown = shown(await send(NEVER));
  expect(leak.replaceAll(MEMO_SLUG, NEVER)).toBe(unknown);
}

/** Everything B can ask, checked for any trace of A's memo. */
async function expectBSeesNoMemo(): Promise<void> {
  const never = (text: string, what: string) => {
    // The asker's own words are echoed back (“lentils northward”): look past them, at what the library answered.
    const answer = text.replace(/“[^”]*”/g, '“…”');
    expect(answer, what).not.toContain(MEMO_SLUG);
    expect(answer, what).not.toMatch(/lentils|northward|Grain corridor memo|Caspian|customs rules/i);
  };
  never(shown(await h.fake.sendCommand('search', { query: 'lentils northward' }, inB())), '/search');
  never(shown(await h.fake.sendCommand('search', { query: 'caspian grain corridor freight' }, inB())), '/search (closest)');
  await sameAsUnknown((slug) => h.fake.sendCommand('quote', { citation: `${slug}#p1.s1` }, inB()));
  await sameAsUnknown((slug) => h.fake.sendCommand('summary', { document: slug }, inB()));
  await sameAsUnknown((slug) => h.fake.sendCommand('search', { query: 'corridor', document: slug }, inB()));
  await sameAsUnknown((slug) => h.fake.sendCommand('forget', { document: slug }, inB()));
  for (const [command, option, typed] of [
    ['quote', 'citation', 'lentils'],
    ['quote', 'citation', `${MEMO_SLUG}#`],
    ['quote', 'citation', 'grain'],
    ['summary', 'document', 'grain'],
    ['forget', 'document', 'grain'],
    ['search', 'document', 'grain'],
  ] as const) {
    const { choices } = await h.fake.sendAutocomplete(command, { [option]: typed }, option, inB());
    never(JSON.stringify(choices), `autocomplete /${command} ${option}:${typed}`);
  }
  never(shown(await h.fake.sendCommand('topics', {}, inB())), '/topics');
  const { choices: topicNames } = await h.fake.sendAutocomplete('topic', { name: '' }, 'name', inB());
  for (const t of topicNames.slice(0, 5)) never(shown(await h.fake.sendCommand('topic', { name: String(t.value) }, inB())), `/topic ${t.value}`);
  never(shown(await h.fake.sendCommand('topic', { name: 'corridor' }, inB())), '/topic corridor');
  never(shown(await h.fake.sendCommand('summary', { length: 'long' }, inB())), '/summary');
  never(shown(await h.fake.sendCommand('sources', {}, inB())), '/sources');
  never(shown(await h.fake.sendCommand('digest', {}, { ...inB(), subcommand: 'now' })), '/digest now');
  // Forged buttons: the custom ids A's answers carry, clicked in B.
  await sameAsUnknown((slug) => h.fake.sendComponent(`quote:${slug}#p1`, inB()));
  never(shown(await h.fake.sendComponent('search:3||lentils northward', inB())), 'search button');
  await sameAsUnknown((slug) => h.fake.sendComponent(`forget:${slug}`, inB()));
}

async function expectAHasMemo(): Promise<void> {
  expect(shown(await h.fake.sendCommand('search', { query: 'lentils northward' }))).toContain(`${MEMO_SLUG}#p1`);
  expect(shown(await h.fake.sendCommand('quote', { citation: `${MEMO_SLUG}#p1.s1` }))).toContain('lentils northward');
}

async function expectSharedEverywhere(): Promise<void> {
  for (const ctx of [{}, inB(), { guildId: null }]) {
    expect(shown(await h.fake.sendCommand('search', { query: 'wheat exports' }, ctx))).toContain(`${SHARED}#p3`);
  }
}

beforeAll(async () => {
  h = await startIngestHarness();
  commands = await loadCommands();
  b = h.fake.addGuild('Team B');
  await registerCommands(h.fake, b.guildId);
  const added = shown(await h.fake.sendCommand('ingest', attach('memo.md', MEMO)));
  expect(added).toContain(`as \`${MEMO_SLUG}\``);
});

afterAll(async () => {
  expect(h.fake.unmatchedRequests()).toEqual([]);
  await h.close();
});

describe('two servers, one bot', () => {
  it('GIVEN a document ingested in server A THEN A finds it and its file is in A’s folder only', async () => {
    await expectAHasMemo();
    expect(existsSync(path.join(h.dataDir, 'guilds', h.fake.guildId, `${MEMO_SLUG}.md`))).toBe(true);
    expect(existsSync(path.join(h.dataDir, 'guilds', b.guildId))).toBe(false);
  });

  it('GIVEN that document THEN server B finds no trace of it by any command, autocomplete or forged button', async () => {
    await expectBSeesNoMemo();
    await expectSharedEverywhere();
  });

  it('GIVEN a direct message THEN only the shared library answers, and nothing can be added there', async () => {
    const dm = { guildId: null };
    expect(shown(await h.fake.sendCommand('search', { query: 'lentils northward' }, dm))).not.toContain(MEMO_SLUG);
    const refused = await h.fake.sendCommand('ingest', attach('memo.md', MEMO), dm);
    expect(refused.ephemeral).toBe(true);
    expect(shown(refused)).toContain('added and removed in a server');
  });

  it('GIVEN B’s /forget of A’s document or of the shared article THEN it is refused and nothing is removed', async () => {
    const shared = await h.fake.sendCommand('forget', { document: SHARED }, inB());
    expect(shared.ephemeral).toBe(true);
    expect(shown(shared)).toContain('shared library');
    expect(shown(shared)).toContain('operator');
    const pressed = await h.fake.sendComponent(`forget:${SHARED}`, inB());
    expect(shown(pressed)).toContain('shared library');
    await expectAHasMemo();
    await expectSharedEverywhere();
  });

  it('GIVEN the same bytes ingested in B THEN B gets its own document under the same slug, never “already in the library”', async () => {
    const res = await h.fake.sendCommand('ingest', attach('memo-copy.md', MEMO), inB());
    const content = shown(res);
    expect(content).toContain(`Added **Grain corridor memo** as \`${MEMO_SLUG}\``);
    expect(content).not.toContain('already in the library');
    expect(existsSync(path.join(h.dataDir, 'guilds', b.guildId, `${MEMO_SLUG}.md`))).toBe(true);
    // B forgets its copy: A's stays.
    await h.fake.sendCommand('forget', { document: MEMO_SLUG }, inB());
    expect(shown(await h.fake.sendComponent(`forget:${MEMO_SLUG}`, inB()))).toContain('Removed');
    expect(existsSync(path.join(h.dataDir, 'guilds', b.guildId, `${MEMO_SLUG}.md`))).toBe(false);
    await expectAHasMemo();
  });

  it('GIVEN a restart (new process state over the same data folder) THEN the same holds', async () => {
    await h.bot.stop();
    const services = await startLibraryServices(await Library.load(h.dataDir), { dataDir: h.dataDir, maxBytes: 10 * 1024 * 1024, allowPrivateUrls: false });
    const bot: Bot = await startBot({ token: h.fake.token, apiUrl: h.fake.apiUrl, libraries: services.libraries, commands, logger: silentLogger, ws: FAST_IDENTIFY });
    await bot.ready;
    h.bot = bot;
    await expectAHasMemo();
    await expectBSeesNoMemo();
    await expectSharedEverywhere();
  });
});
