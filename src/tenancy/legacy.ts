import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { parseFrontMatter } from '../documents/frontmatter.js';
import { guildFolder, isDocumentPath } from '../documents/load.js';
import { INGEST_FOLDER } from '../ingest/service.js';
import type { Logger } from '../log.js';

/** How an operator moves one of the documents left shared into a server's library (also in the README). */
export const MOVE_HINT = 'to give one to a server, move its file into DATA_DIR/guilds/<server id>/ (for example `mkdir -p data/guilds/123456789012345678 && mv data/ingested/q3-report.md data/guilds/123456789012345678/`) and restart';

export interface LegacyOutcome {
  /** Moved into their server's folder: `from → to`, relative to DATA_DIR. */
  moved: { from: string; to: string }[];
  /** Added from Discord before per-server libraries, with no record of the server: still shared. */
  unclaimed: string[];
}

/**
 * Documents added with /ingest before each server had its own library sit in
 * DATA_DIR/ingested/, where every server sees them. Those whose front matter
 * names their server move to its folder; those added from Discord without
 * that record stay shared and are listed in a warning, since only the operator
 * can tell whose they were. Documents the operator added with the CLI are
 * shared on purpose and left alone.
 */
export async function settleLegacyIngested(dataDir: string, logger?: Logger): Promise<LegacyOutcome> {
  const outcome: LegacyOutcome = { moved: [], unclaimed: [] };
  const folder = path.join(dataDir, INGEST_FOLDER);
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const rel = `${INGEST_FOLDER}/${name}`;
    if (!isDocumentPath(rel) || name.endsWith('.pdf')) continue;
    let data: Record<string, unknown>;
    try {
      data = parseFrontMatter(await readFile(path.join(folder, name), 'utf8'), rel).data;
    } catch {
      continue; // The loader reports unreadable files.
    }
    const guild = data.guild === undefined ? undefined : String(data.guild);
    if (guild !== undefined && /^\d{17,20}$/.test(guild)) {
      const to = `${guildFolder(guild)}/${name}`;
      const target = path.join(dataDir, ...to.split('/'));
      if (existsSync(target)) {
        logger?.warn({ path: rel, target: to }, 'not moved to its server: a file of that name is already there');
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(path.join(folder, name), target);
      outcome.moved.push({ from: rel, to });
    } else if (/\(\d{17,20}\)\s*$/.test(String(data.added_by ?? ''))) {
      // `added_by: name (discord id)` is how /ingest signed its files; the CLI signs with a local user name.
      outcome.unclaimed.push(rel);
    }
  }
  if (outcome.moved.length) logger?.info({ moved: outcome.moved }, 'documents added from Discord moved to their server’s library');
  if (outcome.unclaimed.length) {
    logger?.warn(
      { documents: outcome.unclaimed, how: MOVE_HINT },
      `${outcome.unclaimed.length} document(s) added from Discord before each server had its own library do not say which server added them, so every server still sees them`,
    );
  }
  return outcome;
}
