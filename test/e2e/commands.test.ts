import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCommands } from '../../src/interactions/registry.js';
import { startFakeDiscord } from '../fake-discord/server.js';
import { isolatedEnv, REPO, startHarness, type Harness } from '../helpers/bot.js';
import { expectSentSafely } from '../helpers/replies.js';

const run = promisify(execFile);
const SLUG = 'putin-sharif-sco';

const HOSTILE = `---
title: "Hostile **memo** @everyone"
slug: hostile-memo
---
@everyone please read the grain report now, <@&123456789012345678> and <@123456789012345678> too.
The **grain report** says _nothing_ [click](https://evil.example) about ~~tariffs~~ or \`code\` at all.
`;

let h: Harness;

/** What the user sees in the end: the reply, or the deferred reply's final edit. */
function text(res: { final(): { content?: string } | undefined }): string {
  const message = res.final();
  expect(message, 'the interaction has a visible message').toBeDefined();
  return message!.content ?? '';
}

beforeAll(async () => {
  h = await startHarness({ 'hostile.md': HOSTILE });
  // Register the commands the way an operator would, so option types come from the real definitions.
  const commands = await loadCommands();
  await fetch(`${h.fake.apiUrl}/v10/applications/${h.fake.applicationId}/guilds/${h.fake.guildId}/commands`, {
    method: 'PUT',
    headers: { authorization: `Bot ${h.fake.token}`, 'content-type': 'application/json' },
    body: JSON.stringify([...commands.values()].map((c) => c.data)),
  });
});

afterAll(async () => {
  // Every message the bot sent must fit Discord's limits and ping no one.
  expect(expectSentSafely(h.fake)).toBeGreaterThan(10);
  expect(h.fake.unmatchedRequests()).toEqual([]);
  await h.close();
});

describe('npm run deploy', () => {
  it('GIVEN a guild id THEN the whole command list is registered in that guild in one PUT and global commands are untouched', async () => {
    const fake = await startFakeDiscord({ token: 'fake-bot-token-for-dossier-tests' });
    try {
      // npm itself needs the rest of the environment (HOME, its cache); Dossier's own variables are pinned.
      const env = isolatedEnv(
        { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_GUILD_ID: fake.guildId, DISCORD_API_URL: fake.apiUrl, LOG_LEVEL: 'silent' },
        process.env,
      );
      const { stdout } = await run('npm', ['run', '--silent', 'deploy'], { cwd: REPO, env });
      expect(stdout).toMatch(/Registered 11 commands in guild/);
      const puts = fake.requests.filter((r) => r.method === 'PUT');
      expect(puts).toHaveLength(1);
      expect(puts[0]!.path).toBe(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
      expect(fake.commands.guild.get(fake.guildId)!.map((c: { name: string }) => c.name).sort()).toEqual(
        ['digest', 'feed', 'forget', 'help', 'ingest', 'quote', 'search', 'sources', 'summary', 'topic', 'topics'],
      );
      expect(fake.commands.global).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

describe('/search', () => {
  it('GIVEN words from the article THEN the verbatim sentence comes back with its citation and the words in bold', async () => {
    const res = await h.fake.sendCommand('search', { query: 'wheat exports' });
    const content = text(res);
    expect(res.ephemeral).toBe(false);
    expect(content).toContain(`\`${SLUG}#p3.s2\``);
    expect(content).toContain('**wheat** **exports**');
    expect(content).toContain('Putin and Sharif at the SCO Summit in Astana');
  });

  it('GIVEN a typo’d phrase THEN the right sentence is first', async () => {
    const res = await h.fake.sendCommand('search', { query: 'american hegemny', limit: 2 });
    const content = text(res);
    const first = content.match(/`([a-z-]+#p\d+(?:\.s\d+)?)`/)![1];
    expect(first).toBe(`${SLUG}#p5.s1`);
  });

  it('GIVEN a query nothing matches THEN the answer is ephemeral and not a bare “not found”', async () => {
    const res = await h.fake.sendCommand('search', { query: 'wheaaat' });
    expect(res.ephemeral).toBe(true);
    // The count is the library's own (1 in the bundled data; more with DOSSIER_E2E_CORPUS loaded).
    expect(text(res)).toBe(`No passage matches “wheaaat”. Closest: *wheat* (${h.library.store.vocabulary.frequency('wheat')}).`);
    expect(res.final()!.components[0].components[0]).toMatchObject({ label: 'wheat', custom_id: 'search:3||wheat' });
  });

  it('GIVEN a document filter THEN only that document is searched', async () => {
    const res = await h.fake.sendCommand('search', { query: 'grain report', document: 'hostile-memo' });
    expect(text(res)).toContain('hostile-memo#p');
    expect(text(res)).not.toContain(SLUG);
  });

  it('GIVEN a document that contains @everyone and role mentions THEN the quote pings no one and its markdown is escaped', async () => {
    const res = await h.fake.sendCommand('search', { query: 'please read the grain report', document: 'hostile-memo' });
    const first = res.responses[0]!;
    expect(first.kind).toBe('callback');
    const data = (first as { data: { content: string; allowed_mentions: unknown } }).data;
    expect(data.allowed_mentions).toEqual({ parse: [] });
    expect(data.content).toContain('@everyone');
    expect(data.content).toContain('\\<@&123456789012345678>');
    const other = await h.fake.sendCommand('search', { query: 'tariffs code click', document: 'hostile-memo' });
    expect(text(other)).toContain('\\~\\~**tariffs**\\~\\~');
    expect(text(other)).toContain('\\[**click**\\](https://evil.example)');
  });

  it('GIVEN the Show paragraph button THEN the clicker alone gets the whole paragraph', async () => {
    const res = await h.fake.sendComponent(`quote:${SLUG}#p3`);
    expect(res.ephemeral).toBe(true);
    expect(text(res)).toContain(`\`${SLUG}#p3\``);
    expect(text(res)).toContain('This insight exposes the insincerity');
  });
});

describe('/quote', () => {
  it('GIVEN a citation THEN the exact passage is returned, curly quotes and all', async () => {
    const res = await h.fake.sendCommand('quote', { citation: `${SLUG}#p2.s1` });
    expect(text(res)).toContain('That hasn’t come to fruition because Pakistan remains reluctant to defy the US');
  });

  it('GIVEN context THEN the sentences around it are included', async () => {
    const res = await h.fake.sendCommand('quote', { citation: `${SLUG}#p3.s2`, context: 1 });
    const content = text(res);
    expect(content).toContain('This insight exposes the insincerity');
    expect(content).toContain('His suggestion to “further move”');
  });

  it('GIVEN context that runs into the next paragraph THEN each quoted sentence is labelled with its own paragraph', async () => {
    // p3.s3 is the last sentence of paragraph 3: one sentence before is from ¶3, one after from ¶4.
    const content = text(await h.fake.sendCommand('quote', { citation: `${SLUG}#p3.s3`, context: 1 }));
    const lines = content.split('\n');
    const labelAfter = (start: string) => lines[lines.findIndex((l) => l.startsWith(start)) + 1];
    expect(labelAfter('> *The Pakistani leader said')).toBe(`-# ¶3 · \`${SLUG}#p3.s2\``);
    expect(labelAfter('> His suggestion')).toBe(`-# ¶3 · \`${SLUG}#p3.s3\``);
    expect(labelAfter('> *The same can be said')).toMatch(new RegExp(`^-# ¶4 · \`${SLUG}#p4\\.s1\`$`));
    // Within one paragraph, no labels: the footer says it all.
    expect(text(await h.fake.sendCommand('quote', { citation: `${SLUG}#p3.s2`, context: 1 }))).not.toContain(`-# ¶3 · \`${SLUG}#p3.s1\``);
  });

  it('GIVEN an unknown citation THEN a polite ephemeral error says what exists', async () => {
    const res = await h.fake.sendCommand('quote', { citation: `${SLUG}#p9` });
    expect(res.ephemeral).toBe(true);
    expect(text(res)).toBe(`No passage has the citation \`${SLUG}#p9\`. It has paragraphs 1–7.`);
  });

  it('GIVEN words typed into the citation box THEN autocomplete offers matching sentences within Discord’s limits', async () => {
    const { choices } = await h.fake.sendAutocomplete('quote', { citation: 'wheat exp' }, 'citation');
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices[0]!.value).toBe(`${SLUG}#p3.s2`);
    for (const c of choices) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(String(c.value).length).toBeLessThanOrEqual(100);
    }
  });
});

describe('/topics, /topic, /summary', () => {
  it('GIVEN the library THEN /topics lists topics with point counts', async () => {
    const res = await h.fake.sendCommand('topics', {});
    expect(text(res)).toMatch(/\*\*[^*]+\*\* — \d+ points?/);
  });

  it('GIVEN a topic picked from autocomplete THEN /topic defers and answers with quoted key points and citations', async () => {
    const { choices } = await h.fake.sendAutocomplete('topic', { name: '' }, 'name');
    expect(choices.length).toBeGreaterThan(0);
    const res = await h.fake.sendCommand('topic', { name: String(choices[0]!.value) });
    expect(res.deferred).toBe(true);
    const content = text(res);
    // Slugs may hold digits (file names such as 2025-01-10-remarks…).
    const citations = content.match(/`[a-z0-9-]+#p\d+\.s\d+`/g) ?? [];
    expect(citations.length).toBeGreaterThanOrEqual(2);
    expect(citations.length).toBeLessThanOrEqual(5);
  });

  it('GIVEN a document THEN /summary quotes 2–5 of its sentences in source order', async () => {
    const res = await h.fake.sendCommand('summary', { document: SLUG, length: 'long' });
    expect(res.deferred).toBe(true);
    const content = text(res);
    const citations = [...content.matchAll(/`[a-z-]+#p(\d+)\.s(\d+)`/g)].map((m) => Number(m[1]) * 100 + Number(m[2]));
    expect(citations.length).toBeGreaterThanOrEqual(2);
    expect(citations.length).toBeLessThanOrEqual(5);
    expect([...citations].sort((a, b) => a - b)).toEqual(citations);
    // Verbatim: every quoted line is a substring of the source.
    for (const line of content.split('\n').filter((l) => l.startsWith('> '))) {
      const text = line.slice(2).replace(/\\(.)/g, '$1').replace(/\*\*/g, '');
      expect(h.library.docs.some((d) => d.paragraphs.some((p) => p.text.includes(text)))).toBe(true);
    }
  });

  it.skipIf(!!process.env.DOSSIER_E2E_CORPUS)('GIVEN the bundled analysis piece THEN the default (medium) /summary quotes its thesis, not its opening', async () => {
    const content = text(await h.fake.sendCommand('summary', { document: SLUG }));
    const cited = [...content.matchAll(/`[a-z-]+#(p\d+\.s\d+)`/g)].map((m) => m[1]);
    // Reluctance to defy the US (¶2.1); the energy deal as the red line (¶5.2) or the pivotal factor (¶6.1); the call to act (¶7.2).
    expect(cited).toHaveLength(3);
    expect(cited[0]).toBe('p2.s1');
    expect(['p5.s2', 'p6.s1']).toContain(cited[1]);
    expect(cited[2]).toBe('p7.s2');
    expect(content).toContain('reluctant to defy the US');
  });

  it('GIVEN an unknown document THEN /summary refuses before deferring, ephemerally', async () => {
    const res = await h.fake.sendCommand('summary', { document: 'no-such-doc' });
    expect(res.deferred).toBe(false);
    expect(res.ephemeral).toBe(true);
    expect(text(res)).toContain('No document is called `no-such-doc`');
  });

  it('GIVEN a partial document name THEN autocomplete ranks the matching document first', async () => {
    const { choices } = await h.fake.sendAutocomplete('summary', { document: 'putin' }, 'document');
    expect(choices[0]).toEqual({ name: expect.stringContaining('Putin and Sharif'), value: SLUG });
  });
});

describe('/sources and /help', () => {
  it('GIVEN the library THEN /sources lists each document with its slug', async () => {
    const res = await h.fake.sendCommand('sources', {});
    const shown = h.library.docs.findIndex((d) => d.slug === SLUG) < 10;
    // With DOSSIER_E2E_CORPUS the bundled document is thousands of entries down: the list is cut with a count instead.
    if (shown) {
      expect(text(res)).toContain(`\`${SLUG}\``);
      expect(text(res)).toContain('7 paragraphs');
    } else {
      expect(text(res)).toMatch(/…and [\d,]+ more documents\./);
    }
  });

  it('GIVEN /help THEN every command is described, ephemerally', async () => {
    const res = await h.fake.sendCommand('help', {});
    expect(res.ephemeral).toBe(true);
    for (const name of ['search', 'quote', 'topics', 'topic', 'summary', 'sources', 'help']) expect(text(res)).toContain(`/${name}`);
  });
});
