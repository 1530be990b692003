import { UserError } from '../errors.js';
import { openDatabase, type DatabaseTarget } from '../db/index.js';
import { briefJson, renderBrief } from './brief.js';
import { BriefComposer, type LibraryFor } from './composer.js';
import { isValidTimeZone } from './schedule.js';
import { DigestStore } from './store.js';

/**
 * `dossier digest`: today's brief on stdout. Without `--since` it is a brief like
 * the bot's, for "no server": new since the previous one this command printed
 * (or the last 24 hours), recorded in the bot's database so tomorrow's says only
 * what is new. With `--since` it is a look-back, and with `--guild` a preview
 * of that server's next brief: neither records anything.
 */
export async function printDigest(
  libraryFor: LibraryFor,
  o: {
    json?: boolean;
    timezone?: string;
    since?: string;
    topics?: string;
    /** A server whose next brief to preview (`--guild`); recorded nothing, so the server's own briefs are untouched. */
    guildId?: string | null;
    database: DatabaseTarget;
    now?: number;
    write: (text: string) => void;
  },
): Promise<void> {
  const timezone = o.timezone ?? 'UTC';
  if (!isValidTimeZone(timezone)) throw new UserError(`--timezone: \`${timezone.slice(0, 64)}\` is not an IANA time zone (for example Europe/London).`);
  const since = o.since === undefined ? undefined : Date.parse(o.since);
  if (since !== undefined && (Number.isNaN(since) || !/^\d{4}-\d{2}-\d{2}/.test(o.since!))) {
    throw new UserError(`--since: \`${o.since!.slice(0, 40)}\` is not an ISO date or time (for example 2026-11-28 or 2026-11-28T08:00:00Z).`);
  }
  const now = o.now ?? Date.now();
  const topics = o.topics?.split(',').map((t) => t.trim()).filter(Boolean);
  const db = await openDatabase(o.database);
  try {
    const composer = new BriefComposer(new DigestStore(db), libraryFor, () => now);
    const guildId = o.guildId ?? null;
    const brief =
      since === undefined && guildId === null
        ? (await composer.prepare(null, `cli:${now}`, { timezone, topics, posted: true }))!.brief
        : await composer.compose(guildId, { timezone, topics, since });
    o.write(o.json ? JSON.stringify(briefJson(brief)) : renderBrief(brief).join('\n\n'));
  } finally {
    await db.close();
  }
}
