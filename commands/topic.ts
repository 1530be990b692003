import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { UserError } from '../src/errors.js';
import { choice } from '../src/interactions/autocomplete.js';
import type { AutocompleteContext, CommandContext } from '../src/interactions/command.js';
import { LIMITS, fitBlocks } from '../src/replies/limits.js';
import { escapeMarkdown } from '../src/replies/markdown.js';
import { attribution, passage, plural } from '../src/replies/passages.js';
import type { Reply, ReplyButton } from '../src/replies/types.js';
import { rankTopicsForAutocomplete } from '../src/topics/build.js';
import type { Library } from '../src/library.js';
import type { Point, Topic } from '../src/types.js';

export const data = {
  name: 'topic',
  description: "A topic's summary: its key points, quoted with citations",
  options: [
    { type: ApplicationCommandOptionType.String, name: 'name', description: 'Topic name', required: true, autocomplete: true, max_length: 100 },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export async function execute(ctx: CommandContext): Promise<Reply> {
  const name = ctx.options.string('name', { max: 100 });
  if (!name?.trim()) throw new UserError('Please name a topic; `/topics` lists them.');
  const topic = ctx.library.topic(name);
  await ctx.defer();
  const header = `📌 **${escapeMarkdown(topic.name)}** — ${plural(topic.points.length, 'point')} in ${plural(topic.documents.length, 'document')}`;
  const multiDoc = topic.documents.length > 1;
  const blocks = topic.summary.map((p) => passage(ctx.library, p, { title: multiDoc, maxChars: 380 }));
  const related = relatedTopics(ctx.library.topics, topic);
  const rest = otherPoints(topic).length;
  // The header counts every point; the reply says where the ones it does not quote are.
  const more = rest > 0 ? `\n-# ${plural(topic.summary.length, 'key point')} above; ${plural(rest, 'more point')} in this topic: press **More points**.` : '';
  const footer = `${more}${related.length ? `\n\n-# Related topics: ${related.map((t) => escapeMarkdown(t.name)).join(' · ')}` : ''}`;
  const body = fitBlocks(blocks, LIMITS.content - header.length - footer.length - 2, '\n', (n) => `-# ${plural(n, 'more key point')} did not fit.`);
  const buttons = rest > 0 ? [morePoints(topic, 0, rest)] : [];
  return { content: `${header}\n\n${body}${footer}`, buttons };
}

/** Points a "More points" page shows at once. */
export const TOPIC_PAGE = 5;

/** A topic's points other than its key points, in library order. */
function otherPoints(topic: Topic): Point[] {
  const key = new Set(topic.summary.map((p) => p.id));
  return topic.points.filter((p) => !key.has(p.id));
}

function morePoints(topic: Topic, page: number, rest: number): ReplyButton {
  const from = page * TOPIC_PAGE + 1;
  const to = Math.min(rest, from + TOPIC_PAGE - 1);
  return { type: 'action', label: `More points (${from === to ? from : `${from}–${to}`} of ${rest})`, customId: `topic:${page}|${topic.id}` };
}

/**
 * "More points": `topic:<page>|<topic id>` shows the next page of the topic's
 * points that the summary did not quote, privately, with a button for the next.
 */
export function button(ctx: CommandContext, payload: string): Reply {
  const [pageText = '', ...id] = payload.split('|');
  const topic = ctx.library.topics.find((t) => t.id === id.join('|'));
  if (!topic) throw new UserError('That topic is no longer in the library (documents changed since); `/topics` lists the current ones.');
  const rest = otherPoints(topic);
  const page = Math.max(0, Math.min(Math.floor(Number(pageText)) || 0, Math.ceil(rest.length / TOPIC_PAGE) - 1));
  const shown = rest.slice(page * TOPIC_PAGE, (page + 1) * TOPIC_PAGE);
  return { ...pageReply(ctx.library, topic, rest.length, page, shown), ephemeral: true };
}

function pageReply(library: Library, topic: Topic, rest: number, page: number, shown: readonly Point[]): Reply {
  if (shown.length === 0) return { content: `📌 **${escapeMarkdown(topic.name)}** has no points beyond its key points.` };
  const from = page * TOPIC_PAGE + 1;
  const header = `📌 **${escapeMarkdown(topic.name)}** — more points ${from}–${from + shown.length - 1} of ${rest} (beyond the ${plural(topic.summary.length, 'key point')})`;
  const multiDoc = topic.documents.length > 1;
  // Each point gets an equal share of the message, its citation line included, so a page always fits whole.
  const share = Math.floor((LIMITS.content - header.length - 2) / shown.length) - 1;
  const blocks = shown.map((p) => passage(library, p, { title: multiDoc, maxChars: Math.max(80, share - attribution(library, p, { title: multiDoc }).length - 12) }));
  const body = fitBlocks(blocks, LIMITS.content - header.length - 2, '\n', (n) => `-# ${plural(n, 'point')} did not fit in one message.`);
  const next = (page + 1) * TOPIC_PAGE < rest ? [morePoints(topic, page + 1, rest)] : [];
  return { content: `${header}\n\n${body}`, buttons: next };
}

export function autocomplete(ctx: AutocompleteContext) {
  return rankTopicsForAutocomplete(ctx.library.topics, ctx.focused.value, LIMITS.autocompleteChoices).map((t) =>
    choice(`${t.name} (${plural(t.points.length, 'point')})`, t.name),
  );
}

/** Topics sharing the most member points with this one. */
function relatedTopics(topics: readonly Topic[], topic: Topic): Topic[] {
  const mine = new Set(topic.points.map((p) => p.id));
  return topics
    .filter((t) => t.id !== topic.id)
    .map((t) => ({ t, shared: t.points.filter((p) => mine.has(p.id)).length }))
    .filter((x) => x.shared > 0)
    .sort((a, b) => b.shared - a.shared || a.t.name.localeCompare(b.t.name))
    .slice(0, 3)
    .map((x) => x.t);
}
