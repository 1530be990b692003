import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { UserError } from '../src/errors.js';
import type { FeedListing, FeedService, FollowResult } from '../src/feeds/service.js';
import { MAX_BACKFILL } from '../src/feeds/service.js';
import { requireLibraryEditor } from '../src/ingest/access.js';
import { parseTags } from '../src/ingest/tags.js';
import { choice, rankByName } from '../src/interactions/autocomplete.js';
import type { AutocompleteContext, CommandContext } from '../src/interactions/command.js';
import { LIMITS, truncate } from '../src/replies/limits.js';
import { code, escapeMarkdown, plainText, sourceLink } from '../src/replies/markdown.js';
import { plural } from '../src/replies/passages.js';
import type { Reply, ReplyButton } from '../src/replies/types.js';

export const data = {
  name: 'feed',
  description: 'Follow sources: new articles from RSS, Atom or JSON feeds join this server’s library',
  dm_permission: false,
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'add',
      description: 'Follow a feed (or a page that advertises one); its new articles are added as they appear',
      options: [
        { type: ApplicationCommandOptionType.String, name: 'url', description: 'The feed, or the site page that links to it', required: true, max_length: 2000 },
        { type: ApplicationCommandOptionType.String, name: 'tags', description: 'Comma-separated tags for its articles, e.g. energy, pakistan', max_length: 300 },
        { type: ApplicationCommandOptionType.Integer, name: 'backfill', description: `Also add its newest existing articles now (0–${MAX_BACKFILL}, default 0)`, min_value: 0, max_value: MAX_BACKFILL },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, name: 'list', description: 'The feeds this server follows: last check, last new article, errors' },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'remove',
      description: 'Stop following a feed (the articles it added stay)',
      options: [{ type: ApplicationCommandOptionType.String, name: 'feed', description: 'The feed to stop following', required: true, autocomplete: true, max_length: 100 }],
    },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const NO_FEEDS = 'Feeds need the bot’s database, which could not be opened here; from a terminal, `npx dossier feed add|list|remove|poll [--guild ID]` says why.';

/**
 * The feed service and whose feeds these are, or the polite refusal (checked
 * before any I/O, so it stays ephemeral). Without a server there is no member
 * in Discord (a direct message: refused); in the local console the operator
 * manages the shared library's feeds, as `npx dossier feed` without --guild does.
 */
function feedsFor(ctx: CommandContext, action: string): { feeds: FeedService; guildId: string | null } {
  if (!ctx.guildId && !ctx.member) throw new UserError('Feeds are followed per server: use `/feed` in a server channel.');
  const feeds = ctx.services?.feeds;
  if (!feeds) throw new UserError(NO_FEEDS);
  requireLibraryEditor(ctx, action);
  return { feeds, guildId: ctx.guildId };
}

const stamp = (ms: number) => `<t:${Math.floor(ms / 1000)}:R>`;
/** An item as its title and a plain `<url>`: a feed's words never label a link (see sourceLink). */
const item = (title: string | undefined, url: string | undefined) => [plainText(truncate(title ?? 'untitled', 120)), sourceLink(url)].filter(Boolean).join(' ');

function followed(r: FollowResult, feeds: FeedService): Reply {
  const { pollMinutes } = feeds.settings;
  const kind = { rss: 'RSS', atom: 'Atom', rdf: 'RDF', json: 'JSON Feed' }[r.format];
  const lines = [`📡 Following **${plainText(truncate(r.feed.title, 150))}** (${kind}) ${code(truncate(r.feed.url, 300))}`];
  if (r.discoveredFrom) lines.push(`-# Found through the page ${code(truncate(r.discoveredFrom, 300))}`);
  lines.push(r.latest.length ? '**Latest:**' : 'The feed has no items yet.');
  for (const i of r.latest) lines.push(`- ${item(i.title, i.link)}${i.published ? ` · ${stamp(Date.parse(i.published))}` : ''}`);
  const added = r.items.filter((i) => i.status === 'added');
  const failed = r.items.filter((i) => i.status === 'retry' || i.status === 'failed');
  if (added.length) lines.push(`📥 Added now: ${added.map((i) => code(i.slug!)).join(' ')}`);
  if (failed.length) lines.push(`⚠️ ${plural(failed.length, 'article')} could not be added yet (tried again at the next check): ${escapeMarkdown(truncate(failed[0]!.error ?? '', 200))}`);
  const when = feeds.polls
    ? `New articles are added within ${pollMinutes} minutes of appearing`
    : `New articles are added when the running bot checks it (every ${pollMinutes} minutes) or at \`npx dossier feed poll\``;
  lines.push(`-# ${r.items.length ? '' : 'Nothing already published was added. '}${when} · \`/feed list\` · \`/feed remove\``);
  return { content: fit(lines) };
}

function describe(f: FeedListing, now: number): string {
  const head = `**${plainText(truncate(f.title, 100))}** ${code(`#${f.id}`)} — ${plural(f.itemsAdded, 'article')} added`;
  const facts = [
    f.lastNewAt ? `last new ${stamp(f.lastNewAt)}` : 'nothing new yet',
    f.lastCheckedAt ? `checked ${stamp(f.lastCheckedAt)}` : 'not checked yet',
  ];
  if (f.pendingItems) facts.push(`${f.pendingItems} waiting`);
  if (f.failedItems) facts.push(`${plural(f.failedItems, 'article')} given up on`);
  const lines = [`${head} · ${facts.join(' · ')}`];
  if (f.pausedAt !== undefined) lines.push(`-# ⏸️ Paused ${stamp(f.pausedAt)}: the bot was removed from this server. Checks resume when it is invited back.`);
  if (f.lastError) {
    const next = f.nextCheckAt > now ? `; next try ${stamp(f.nextCheckAt)}` : '';
    lines.push(`-# ⚠️ ${escapeMarkdown(truncate(f.lastError, 300))} (${plural(f.failures, 'failed check')} in a row, backing off${next})`);
  }
  return lines.join('\n');
}

/** Lines joined, as many as fit in one message, with a note for the rest. */
function fit(lines: string[], more = (n: number) => `-# …and ${n} more lines.`): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const note = more(lines.length - i - 1);
    if (used + line.length + 1 + note.length + 1 > LIMITS.content) {
      out.push(more(lines.length - i));
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out.join('\n');
}

/** Room for one page's feeds: the message less its header line. */
const PAGE_ROOM = LIMITS.content - 200;

/** Consecutive feeds, as many per page as fit in one message; every feed is on exactly one page. */
export function paginate(blocks: readonly string[], room = PAGE_ROOM): string[][] {
  const pages: string[][] = [];
  let page: string[] = [];
  let used = 0;
  for (const block of blocks) {
    const size = truncate(block, room).length + 1;
    if (page.length && used + size > room) {
      pages.push(page);
      page = [];
      used = 0;
    }
    page.push(truncate(block, room));
    used += size;
  }
  if (page.length) pages.push(page);
  return pages;
}

/** `feed:list|<page>`: the buttons under a page of /feed list (page numbers from 1). */
const pageButton = (label: string, page: number): ReplyButton => ({ type: 'action', label, customId: `feed:list|${page}` });

async function list(ctx: CommandContext, requested = 1): Promise<Reply> {
  const { feeds, guildId } = feedsFor(ctx, 'see this server’s feeds');
  const all = await feeds.list(guildId);
  const { pollMinutes, perServer } = feeds.settings;
  if (all.length === 0) return { content: `${guildId === null ? 'The shared library' : 'This server'} follows no feeds yet. \`/feed add url:\` follows one (at most ${perServer}); each is checked every ${pollMinutes} minutes.` };
  const now = Date.now();
  const pages = paginate(all.map((f) => describe(f, now)));
  // A page number from an old button may be past the end when feeds were removed since: the last page.
  const page = Math.min(Math.max(1, requested), pages.length);
  const where = guildId === null ? 'for the shared library' : 'here';
  const header = `📡 ${plural(all.length, 'feed')} followed ${where} (at most ${perServer}) · each checked every ${pollMinutes} minutes${pages.length > 1 ? ` · page ${page} of ${pages.length}` : ''}`;
  const buttons: ReplyButton[] = [];
  if (page > 1) buttons.push(pageButton('‹ Previous', page - 1));
  if (page < pages.length) buttons.push(pageButton('Next ›', page + 1));
  return { content: [header, ...pages[page - 1]!].join('\n'), ...(buttons.length ? { buttons } : {}) };
}

/** Buttons: `feed:list|<page>`, a page of /feed list for the one who pressed it (permission checked again). */
export async function button(ctx: CommandContext, payload: string): Promise<Reply> {
  const [action, page] = payload.split('|');
  if (action !== 'list') throw new UserError('That button has expired; use `/feed list`.');
  return { ...(await list(ctx, Number(page) || 1)), ephemeral: true };
}

export async function execute(ctx: CommandContext): Promise<Reply> {
  const sub = ctx.options.subcommand;
  if (sub === 'list') return list(ctx);
  if (sub === 'add') {
    const { feeds, guildId } = feedsFor(ctx, 'follow feeds');
    const url = ctx.options.string('url', { max: 2000 })?.trim();
    if (!url) throw new UserError('Give the feed’s address: `/feed add url:https://example.com/feed.xml` (a page that links to its feed works too).');
    const tags = parseTags(ctx.options.string('tags', { max: 300 }));
    const backfill = ctx.options.integer('backfill', { min: 0, max: MAX_BACKFILL }) ?? 0;
    await feeds.precheck(guildId, url);
    await ctx.defer();
    return followed(await feeds.follow(guildId, url, { tags, backfill, addedBy: ctx.user }), feeds);
  }
  if (sub === 'remove') {
    const { feeds, guildId } = feedsFor(ctx, 'stop following feeds');
    const raw = ctx.options.string('feed', { max: 100 })?.trim() ?? '';
    const feed = await feeds.find(guildId, raw.replace(/^#/, ''));
    if (!feed) throw new UserError('This server follows no such feed; pick one from the list, or see `/feed list`.');
    await feeds.unfollow(guildId, feed.id);
    return {
      content: `🗑️ Stopped following **${plainText(truncate(feed.title, 150))}** ${code(truncate(feed.url, 300))}. The ${plural(feed.itemsAdded, 'article')} it added stay in the library; \`/forget\` removes any of them.`,
    };
  }
  throw new UserError('Use `/feed add`, `/feed list` or `/feed remove`.');
}

// One function for every call (see rankByName's cache).
const feedNames = (f: FeedListing) => [f.title, f.url, `#${f.id}`];

export async function autocomplete(ctx: AutocompleteContext) {
  const feeds = ctx.services?.feeds;
  if (!feeds || !ctx.guildId) return [];
  const all = await feeds.list(ctx.guildId);
  return rankByName(all, ctx.focused.value, feedNames).map((f) => choice(`${f.title} — ${f.url}`, String(f.id)));
}
