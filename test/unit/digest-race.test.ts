import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { DigestStore } from '../../src/digest/store.js';
import { BACKENDS, emptyDatabase } from '../helpers/databases.js';
import { raceProcesses } from '../helpers/race.js';

const GUILDS = 24;
const guild = (i: number) => `1000000000000000${String(i).padStart(2, '0')}`;
const channel = (i: number) => `2000000000000000${String(i).padStart(2, '0')}`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-race-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe.each(BACKENDS)('exactly one brief per server and day across processes, on %s', (kind) => {
  it(`GIVEN three bot processes released at the same instant, all due for ${GUILDS} servers' briefs THEN each brief is posted once, by one of them`, async () => {
    const target = await emptyDatabase(kind, dir);
    const setup = await openDatabase(target);
    const store = new DigestStore(setup);
    for (let i = 0; i < GUILDS; i++) {
      await store.saveSettings({ guildId: guild(i), channelId: channel(i), time: '08:00', timezone: 'UTC', updatedAt: Date.parse('2026-11-28T00:00:00Z') });
    }
    await setup.close();

    const outputs = await raceProcesses('test/fixtures/brief-race.ts', [JSON.stringify(target), String(Date.parse('2026-11-28T08:00:30Z'))], 3);
    const posted = outputs.flatMap((out) => [...out.matchAll(/^posted (\d+)$/gm)].map((m) => m[1]!));
    expect(posted.sort()).toEqual(Array.from({ length: GUILDS }, (_, i) => channel(i)).sort());
    for (const out of outputs) expect(out).toMatch(/done\n$/);

    const check = await openDatabase(target);
    const log = await check.db.selectFrom('brief_log').select(['guild_id', 'status', 'attempts']).execute();
    await check.close();
    expect(log).toHaveLength(GUILDS);
    expect(log.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });
});
