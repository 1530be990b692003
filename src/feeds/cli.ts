import os from 'node:os';
import { UserError } from '../errors.js';
import type { CheckReport, FeedListing, FeedService, FollowResult } from './service.js';

export interface FeedCliOptions {
  guildId: string | null;
  json?: boolean;
  tags?: string;
  backfill?: string;
  /** `poll --force`: every feed now, whatever its schedule or backoff. */
  force?: boolean;
  write(text: string): void;
}

const USAGE = 'Use: dossier feed add <url> [--backfill N] [--tags a,b] | feed list | feed remove <id-or-url> | feed poll [--force], each with [--guild ID] [--json].';

const when = (ms: number | undefined) => (ms === undefined ? 'never' : new Date(ms).toISOString());

function listingJson(f: FeedListing) {
  return {
    id: f.id,
    title: f.title,
    url: f.url,
    tags: f.tags,
    addedBy: f.addedBy,
    addedAt: when(f.addedAt),
    lastCheckedAt: f.lastCheckedAt === undefined ? null : when(f.lastCheckedAt),
    lastNewAt: f.lastNewAt === undefined ? null : when(f.lastNewAt),
    itemsAdded: f.itemsAdded,
    pendingItems: f.pendingItems,
    failedItems: f.failedItems,
    failures: f.failures,
    lastError: f.lastError ?? null,
    nextCheckAt: when(f.nextCheckAt),
    pausedAt: f.pausedAt === undefined ? null : when(f.pausedAt),
  };
}

function listingText(f: FeedListing): string {
  const state = f.lastError ? `failing (${f.failures} in a row): ${f.lastError}` : 'ok';
  const next = f.pausedAt === undefined ? `next check ${when(f.nextCheckAt)}` : `paused since ${when(f.pausedAt)} (the bot is not in this server; checks resume when it is back)`;
  return `#${f.id} ${f.title} <${f.url}>\n    ${f.itemsAdded} added · last check ${when(f.lastCheckedAt)} · last new item ${when(f.lastNewAt)} · ${next} · ${state}`;
}

function reportJson(r: CheckReport) {
  return { id: r.feedId, guild: r.guildId, title: r.title, url: r.url, outcome: r.outcome, newItems: r.newItems, items: r.items, error: r.error ?? null, nextCheckAt: when(r.nextCheckAt) };
}

function followJson(r: FollowResult) {
  return { id: r.feed.id, title: r.feed.title, url: r.feed.url, format: r.format, discoveredFrom: r.discoveredFrom ?? null, latest: r.latest.map((i) => ({ title: i.title ?? null, link: i.link ?? null, published: i.published ?? null })), items: r.items };
}

/**
 * `dossier feed add|list|remove|poll`: the operator's and scripts' way to the
 * same feeds /feed manages (with --guild ID, that server's; without, the
 * shared library's own feeds).
 */
export async function feedFromCli(sub: string | undefined, arg: string, feeds: FeedService, o: FeedCliOptions): Promise<void> {
  const out = (value: unknown, text: string) => o.write(o.json ? JSON.stringify(value) : text);
  switch (sub) {
    case 'add': {
      if (!arg) throw new UserError(`feed add needs the feed's address. ${USAGE}`);
      const backfill = o.backfill === undefined ? 0 : Number(o.backfill);
      if (!Number.isInteger(backfill) || backfill < 0 || backfill > 20) throw new UserError('--backfill must be a whole number from 0 to 20.');
      const tags = o.tags?.split(',').map((t) => t.trim()).filter(Boolean);
      const r = await feeds.follow(o.guildId, arg, { tags, backfill, addedBy: { id: 'cli', name: os.userInfo().username } });
      const added = r.items.filter((i) => i.status === 'added').length;
      out(followJson(r), `Following #${r.feed.id} ${r.feed.title} <${r.feed.url}>; ${added} of its items added now, new ones from the next check.`);
      return;
    }
    case 'list': {
      const list = await feeds.list(o.guildId);
      out({ feeds: list.map(listingJson) }, list.length ? list.map(listingText).join('\n') : 'No feeds followed here.');
      return;
    }
    case 'remove': {
      const feed = arg ? await feeds.find(o.guildId, arg) : undefined;
      if (!feed) throw new UserError(`No feed ${arg ? `“${arg}” ` : ''}is followed here; \`dossier feed list\` shows the ids.`);
      await feeds.unfollow(o.guildId, feed.id);
      out({ removed: feed.id, title: feed.title, url: feed.url }, `No longer following #${feed.id} ${feed.title}; the documents it added stay.`);
      return;
    }
    case 'poll': {
      // Without --guild: every server's due feeds (the operator's one pass over the deployment).
      const reports = await feeds.pollDue({ ...(o.guildId === null ? {} : { guildId: o.guildId }), force: o.force });
      const lines = reports.map((r) => {
        const added = r.items.filter((i) => i.status === 'added');
        if (r.outcome === 'failed') return `#${r.feedId} ${r.title}: failed: ${r.error}`;
        if (r.outcome === 'busy') return `#${r.feedId} ${r.title}: skipped: another process is checking it, or has just checked it`;
        return `#${r.feedId} ${r.title}: ${r.outcome === 'not-modified' ? 'unchanged' : `${r.newItems} new`}${added.length ? `; added ${added.map((i) => i.slug).join(', ')}` : ''}`;
      });
      // Paused feeds are never checked, even with --force: said, so an operator is not left wondering.
      const paused = (await feeds.store.paused(o.guildId === null ? undefined : [o.guildId])).length;
      if (paused) lines.push(`${paused} paused feed${paused === 1 ? '' : 's'} not checked: the bot is no longer in ${paused === 1 ? 'its server' : 'their servers'} (checks resume when it is invited back).`);
      const none = o.force ? 'No feed is followed.' : 'No feed is due for a check (`--force` checks every feed now).';
      out({ checked: reports.map(reportJson), paused }, lines.length ? lines.join('\n') : none);
      return;
    }
    default:
      throw new UserError(USAGE);
  }
}
