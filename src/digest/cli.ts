import { existsSync } from 'node:fs';
import type { DatabaseTarget } from '../db/index.js';
import { UserError } from '../errors.js';
import type { Library } from '../library.js';
import { briefJson, renderBrief, todaysBrief } from './brief.js';
import { isValidTimeZone } from './schedule.js';

/**
 * `dossier digest`: today's brief on stdout. Reads when documents were first seen
 * from the bot's database when there is one, without creating one otherwise.
 */
export async function printDigest(
  library: Library,
  o: { json?: boolean; timezone?: string; topics?: string; database: DatabaseTarget; now?: number; write: (text: string) => void },
): Promise<void> {
  const timezone = o.timezone ?? 'UTC';
  if (!isValidTimeZone(timezone)) throw new UserError(`--timezone: \`${timezone.slice(0, 64)}\` is not an IANA time zone (for example Europe/London).`);
  let firstSeen: Map<string, number> | undefined;
  if (o.database.kind === 'postgres' || existsSync(o.database.file)) {
    const { openDatabase } = await import('../db/index.js');
    const { DigestStore } = await import('./store.js');
    const db = await openDatabase(o.database);
    try {
      firstSeen = await new DigestStore(db).firstSeen();
    } finally {
      await db.close();
    }
  }
  const topics = o.topics?.split(',').map((t) => t.trim()).filter(Boolean);
  const brief = todaysBrief(library, { now: o.now ?? Date.now(), timezone, firstSeen, topics });
  o.write(o.json ? JSON.stringify(briefJson(brief)) : renderBrief(brief).join('\n\n'));
}
