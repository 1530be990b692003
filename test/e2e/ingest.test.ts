import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleObject } from '../fake-discord/payloads.js';
import { startIngestHarness, startSite, type IngestHarness, type TestSite } from '../helpers/ingest.js';
import { expectSentSafely, shown } from '../helpers/replies.js';

const MAX_BYTES = 64 * 1024;
const MEMO = `# Grain corridor memo

The Caspian grain corridor carries lentils northward every autumn.

Freight rates on the corridor doubled after the new customs rules.
`;
const ARTICLE = `<!doctype html><html><head><title>Baltic ferries report</title></head><body>
<nav><a href="/">Home</a> · <a href="/about">About us</a> · Subscribe to the newsletter</nav>
<article><h1>Baltic ferries report</h1>
<p>Ferry operators in the Baltic reported that amber shipments tripled during the winter season, according to port authorities in Klaipeda.</p>
<p>Analysts expect the amber trade to slow once the new tariff schedule takes effect next spring, though exporters remain optimistic.</p>
<p>The port authority also noted a steady rise in passenger numbers on the overnight routes to Kiel and Karlshamn.</p>
</article>
<footer>Copyright footer text with cookie policy</footer></body></html>`;

let h: IngestHarness;
let site: TestSite;

const attach = (name: string, content: string | Buffer, type?: string) => ({ file: { type: 11, value: h.fake.addAttachment(name, content, type).id } });

async function search(query: string): Promise<string> {
  return shown(await h.fake.sendCommand('search', { query })).content;
}

/** The fake server's own folder: /ingest writes there, never into the shared library. */
const serverDir = () => path.join(h.dataDir, 'guilds', h.fake.guildId);

/** The fake server's view of the library (shared + its own documents). */
const serverLibrary = async () => (await h.services.libraries.server(h.fake.guildId)).library();

async function ingestedFiles(): Promise<string[]> {
  const dir = serverDir();
  return existsSync(dir) ? (await readdir(dir)).sort() : [];
}

beforeAll(async () => {
  h = await startIngestHarness({ maxBytes: MAX_BYTES });
  site = await startSite({
    '/ferries.html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ARTICLE),
  });
});

afterAll(async () => {
  expectSentSafely(h.fake);
  expect(h.fake.unmatchedRequests()).toEqual([]);
  await site.close();
  await h.close();
});

describe('/ingest', () => {
  it('GIVEN a Markdown attachment from a member with Manage Server THEN it is saved, answered with slug, counts and topics, and searchable at once', async () => {
    const res = await h.fake.sendCommand('ingest', { ...attach('grain-memo.md', MEMO, 'text/markdown'), tags: 'grain, freight' });
    const { content, ephemeral } = shown(res);
    expect(ephemeral).toBe(false);
    expect(content).toContain('Added **Grain corridor memo** as `grain-corridor-memo`');
    expect(content).toMatch(/2 paragraphs, 4 points/);
    expect(content).toMatch(/Topics: |joined no topic/);

    expect(await ingestedFiles()).toEqual(['grain-corridor-memo.md']);
    const saved = await readFile(path.join(serverDir(), 'grain-corridor-memo.md'), 'utf8');
    expect(saved).toMatch(/^---\ntitle: Grain corridor memo\nslug: grain-corridor-memo\n/);
    expect(saved).toMatch(/added_by: .*\(\d{17,20}\)/);
    expect(saved).toMatch(/hash: [0-9a-f]{64}/);
    expect(saved).toContain(`guild: "${h.fake.guildId}"`);
    expect(existsSync(path.join(h.dataDir, 'ingested')), 'nothing is written to the shared library').toBe(false);
    expect(saved).toMatch(/tags:\n {2}- grain\n {2}- freight/);

    expect(await search('lentils northward')).toMatch(/`grain-corridor-memo#p1(\.s1)?`/);
  });

  it('GIVEN the same content again THEN it is recognised by hash and answered with the existing slug', async () => {
    const res = await h.fake.sendCommand('ingest', attach('copy-of-memo.md', MEMO, 'text/markdown'));
    const { content, ephemeral } = shown(res);
    expect(ephemeral).toBe(true);
    expect(content).toContain('already in the library');
    expect(content).toContain('`grain-corridor-memo`');
    expect(await ingestedFiles()).toEqual(['grain-corridor-memo.md']);
  });

  it('GIVEN a URL on a local server and the private-address override THEN the article text (not the navigation) is ingested', async () => {
    h.services.ingest.settings.allowPrivateUrls = true;
    try {
      const res = await h.fake.sendCommand('ingest', { url: `${site.url}/ferries.html` });
      const { content } = shown(res);
      expect(content).toContain('Added **Baltic ferries report** as `baltic-ferries-report`');
    } finally {
      h.services.ingest.settings.allowPrivateUrls = false;
    }
    expect(await search('amber shipments tripled')).toMatch(/`baltic-ferries-report#p1(\.s1)?`/);
    const saved = await readFile(path.join(serverDir(), 'baltic-ferries-report.txt'), 'utf8');
    expect(saved).toContain(`source: ${site.url}/ferries.html`);
    expect(saved).not.toContain('Subscribe to the newsletter');
    expect(saved).not.toContain('cookie policy');
    // /sources shows who added it and when.
    const sources = shown(await h.fake.sendCommand('sources')).content;
    expect(sources).toMatch(/`baltic-ferries-report`.* · added by \S+ <t:\d+:R>/);
  });

  it('GIVEN a private address without the override THEN it is refused ephemerally, never connected to, and the library is unchanged', async () => {
    const before = (await serverLibrary());
    const seen = site.seen.length;
    const res = await h.fake.sendCommand('ingest', { url: `${site.url}/ferries.html` });
    expect(res.deferred).toBe(false);
    const { content, ephemeral } = shown(res);
    expect(ephemeral).toBe(true);
    expect(content).toContain('private, local or internal network address');
    expect(site.seen.length).toBe(seen);
    expect((await serverLibrary())).toBe(before);
  });

  it('GIVEN an attachment over INGEST_MAX_BYTES THEN it is refused before deferring, without downloading it', async () => {
    const before = (await serverLibrary());
    const downloads = h.fake.downloads.length;
    const res = await h.fake.sendCommand('ingest', attach('huge.txt', 'word '.repeat(MAX_BYTES / 4), 'text/plain'));
    expect(res.deferred).toBe(false);
    const { content, ephemeral } = shown(res);
    expect(ephemeral).toBe(true);
    expect(content).toMatch(/That file is 80\.0 KB; the limit is 64\.0 KB\./);
    expect(h.fake.downloads.length).toBe(downloads);
    expect((await serverLibrary())).toBe(before);
  });

  it('GIVEN a binary file named .txt THEN it is refused with a reason after the download, ephemerally', async () => {
    const before = (await serverLibrary());
    const res = await h.fake.sendCommand('ingest', attach('notes.txt', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), 'text/plain'));
    const { content, ephemeral } = shown(res);
    expect(ephemeral).toBe(true);
    expect(content).toContain('zip archive');
    expect((await serverLibrary())).toBe(before);
  });

  it('GIVEN a member without Manage Server or the analyst role THEN /ingest is refused ephemerally before deferring', async () => {
    const before = (await serverLibrary());
    const res = await h.fake.sendCommand('ingest', attach('other.md', '# Other\n\nSome other text about barley.\n'), { permissions: '0' });
    expect(res.deferred).toBe(false);
    expect(shown(res)).toEqual({ content: 'You need the Manage Server permission (or the analyst role) to add documents.', ephemeral: true });
    expect((await serverLibrary())).toBe(before);
  });

  it('GIVEN the analyst role THEN a member without Manage Server may ingest', async () => {
    h.services.ingest.settings.analystRoleId = '123456789012345678';
    // Discord resolves a member's roles against the server's roles, so the role must exist there.
    await h.fake.dispatch('GUILD_ROLE_CREATE', { guild_id: h.fake.guildId, role: roleObject('123456789012345678', 'analysts') });
    try {
      const res = await h.fake.sendCommand('ingest', { ...attach('barley.txt', 'Barley note\n\nBarley harvests in the steppe were early this year.\n'), title: 'Barley note' }, {
        permissions: '0',
        roles: ['123456789012345678'],
      });
      expect(shown(res).content).toContain('as `barley-note`');
    } finally {
      h.services.ingest.settings.analystRoleId = undefined;
    }
  });
});

describe('/forget', () => {
  it('GIVEN a permitted member THEN /forget asks to confirm, and the button removes the file and the document from search', async () => {
    const ask = shown(await h.fake.sendCommand('forget', { document: 'grain-corridor-memo' }));
    expect(ask.ephemeral).toBe(true);
    expect(ask.content).toContain('Remove **Grain corridor memo** `grain-corridor-memo`');
    expect((await serverLibrary()).doc('grain-corridor-memo')).toBeDefined();

    const confirm = shown(await h.fake.sendComponent('forget:grain-corridor-memo'));
    expect(confirm.content).toContain('Removed **Grain corridor memo**');
    expect(await ingestedFiles()).not.toContain('grain-corridor-memo.md');
    expect(await search('lentils northward')).not.toContain('grain-corridor-memo');
  });

  it('GIVEN a member without permission THEN neither the command nor the button removes anything', async () => {
    const ask = shown(await h.fake.sendCommand('forget', { document: 'baltic-ferries-report' }, { permissions: '0' }));
    expect(ask).toEqual({ content: 'You need the Manage Server permission (or the analyst role) to remove documents.', ephemeral: true });
    // A permitted member asks; someone without permission presses the button.
    await h.fake.sendCommand('forget', { document: 'baltic-ferries-report' });
    const press = shown(await h.fake.sendComponent('forget:baltic-ferries-report', { permissions: '0', userId: h.fake.addUser() }));
    expect(press.content).toContain('to remove documents');
    expect(press.ephemeral).toBe(true);
    expect((await serverLibrary()).doc('baltic-ferries-report')).toBeDefined();
  });

  it('GIVEN autocomplete THEN ingested documents are offered', async () => {
    const { choices } = await h.fake.sendAutocomplete('forget', { document: 'balt' }, 'document');
    expect(choices.map((c) => c.value)).toContain('baltic-ferries-report');
  });
});
