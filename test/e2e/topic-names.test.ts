import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionCtx, InteractionResult } from '../fake-discord/types.js';
import { registerCommands } from '../helpers/bot.js';
import { startIngestHarness, type IngestHarness } from '../helpers/ingest.js';
import { expectSentSafely, shown } from '../helpers/replies.js';

/**
 * Every topic a reply names is one `/topics` lists in the same server, and a
 * topic's point count is what `/topic` and its "More points" pages show: the
 * key points plus every page add up to it.
 */

const MEMO_SLUG = 'gwadar-energy-memo';
const MEMO = `# Gwadar energy memo

Pakistan wants a strategic energy deal with Russia, but the energy deal keeps stalling over payment terms.

Russian wheat exports to Pakistan rose again this season, while oil shipments through the Gwadar port stayed suspended.

Officials in Islamabad say the Gwadar port could take Russian oil if the strategic energy deal were signed.

Analysts doubt Pakistan will sign any energy deal that Washington opposes.
`;

let h: IngestHarness;
let b: { guildId: string; channelId: string };
const inB = (): InteractionCtx => ({ guildId: b.guildId, channelId: b.channelId });
const text = (res: InteractionResult) => shown(res).content;

/** Topic names as `/topics` lists them (`- **Name** — N points`). */
function listed(content: string): string[] {
  return [...content.matchAll(/^- \*\*(.+?)\*\* — /gm)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
}

/** Names an ingest reply gives (`Topics: A · B`). */
function namedByIngest(content: string): string[] {
  const line = content.split('\n').find((l) => l.startsWith('Topics: '));
  return line ? line.slice('Topics: '.length).split(' · ').map((n) => n.replace(/\\(.)/g, '$1')) : [];
}

function pointCount(header: string): number {
  const m = /— ([\d,]+) points? in/.exec(header);
  expect(m, header).not.toBeNull();
  return Number(m![1]!.replace(/,/g, ''));
}

const citations = (content: string) => content.match(/`[a-z0-9-]+#p\d+\.s\d+`/g) ?? [];

beforeAll(async () => {
  h = await startIngestHarness();
  b = h.fake.addGuild('Team B');
  await registerCommands(h.fake, b.guildId);
});

afterAll(async () => {
  expect(h.fake.unmatchedRequests()).toEqual([]);
  await h.close();
});

describe('topic names across replies', () => {
  it('GIVEN a document ingested in a server THEN every topic its reply names is in that server’s /topics, and /topic opens it', async () => {
    const added = text(await h.fake.sendCommand('ingest', { file: { type: 11, value: h.fake.addAttachment('memo.md', MEMO, 'text/markdown').id } }));
    expect(added).toContain(`as \`${MEMO_SLUG}\``);
    const names = namedByIngest(added);
    expect(names.length).toBeGreaterThan(0);

    const all = listed(text(await h.fake.sendCommand('topics', {})));
    const ofMemo = listed(text(await h.fake.sendCommand('topics', { document: MEMO_SLUG })));
    for (const name of names) {
      expect(all, `/topics lists “${name}”`).toContain(name);
      expect(ofMemo, `/topics document:${MEMO_SLUG} lists “${name}”`).toContain(name);
      const opened = text(await h.fake.sendCommand('topic', { name }));
      expect(opened.split('\n')[0]).toContain(`**${name}**`);
    }
    // And the other way round: the document's own topic list is exactly what the reply named.
    expect([...ofMemo].sort()).toEqual([...names].sort());
  });

  it('GIVEN any /topic reply in either server THEN the related topics it names are in that server’s /topics', async () => {
    for (const ctx of [{}, inB()]) {
      const all = listed(text(await h.fake.sendCommand('topics', {}, ctx)));
      expect(all.length).toBeGreaterThan(0);
      for (const name of all) {
        const content = text(await h.fake.sendCommand('topic', { name }, ctx));
        const related = /-# Related topics: (.+)$/m.exec(content)?.[1]?.split(' · ').map((n) => n.replace(/\\(.)/g, '$1')) ?? [];
        for (const r of related) expect(all, `“${name}” names “${r}” as related`).toContain(r);
      }
    }
  });

  it('GIVEN a topic with more points than its key points THEN /topic says how many more, and its pages show each of them once', async () => {
    const all = listed(text(await h.fake.sendCommand('topics', {})));
    let paged = 0;
    for (const name of all) {
      const res = await h.fake.sendCommand('topic', { name });
      const content = text(res);
      const total = pointCount(content.split('\n')[0]!);
      const keyPoints = citations(content);
      const buttons = res.final()!.components?.[0]?.components ?? [];
      const more = /-# [\d,]+ key points? above; ([\d,]+) more points? in this topic/.exec(content);
      if (keyPoints.length === total) {
        expect(more).toBeNull();
        expect(buttons).toEqual([]);
        continue;
      }
      expect(more, `“${name}”: ${total} points, ${keyPoints.length} shown`).not.toBeNull();
      expect(Number(more![1])).toBe(total - keyPoints.length);
      const seen = new Set(keyPoints);
      let button = buttons[0];
      for (let pages = 0; button; pages++) {
        expect(pages).toBeLessThan(100);
        expect(button.label).toMatch(/^More points/);
        const page = await h.fake.sendComponent(button.custom_id);
        const pageContent = text(page);
        expect(shown(page).ephemeral).toBe(true);
        for (const c of citations(pageContent)) {
          expect(seen.has(c), `${c} shown twice`).toBe(false);
          seen.add(c);
        }
        button = page.final()!.components?.[0]?.components?.[0];
      }
      expect(seen.size).toBe(total);
      paged++;
    }
    // The bundled article and the memo have topics larger than five points.
    expect(paged).toBeGreaterThan(0);
    expectSentSafely(h.fake);
  });

  it('GIVEN a More points button for a topic this server does not have THEN it says so politely', async () => {
    const res = await h.fake.sendComponent('topic:0|no-such-topic', inB());
    expect(shown(res).ephemeral).toBe(true);
    expect(text(res)).toContain('no longer in the library');
  });
});
