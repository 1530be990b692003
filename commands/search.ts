import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { UserError } from '../src/errors.js';
import { documentChoices } from '../src/interactions/autocomplete.js';
import type { AutocompleteContext, CommandContext } from '../src/interactions/command.js';
import type { Library } from '../src/library.js';
import { LIMITS, fitBlocks } from '../src/replies/limits.js';
import { escapeMarkdown } from '../src/replies/markdown.js';
import { httpUrl } from '../src/text/plain.js';
import { passage, plural } from '../src/replies/passages.js';
import type { Reply, ReplyButton } from '../src/replies/types.js';
import type { SearchResult } from '../src/store/types.js';

/** How many passages when `limit` is not given, in Discord, the console and the CLI alike. */
export const DEFAULT_SEARCH_LIMIT = 3;

export const data = {
  name: 'search',
  description: 'Find verbatim passages in the library (typos and any word order are fine)',
  options: [
    { type: ApplicationCommandOptionType.String, name: 'query', description: 'Words to look for', required: true, max_length: 200 },
    { type: ApplicationCommandOptionType.String, name: 'document', description: 'Only search this document', autocomplete: true, max_length: 100 },
    { type: ApplicationCommandOptionType.Integer, name: 'limit', description: `How many passages (1–10, default ${DEFAULT_SEARCH_LIMIT})`, min_value: 1, max_value: 10 },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export function execute(ctx: CommandContext): Reply {
  const query = ctx.options.string('query', { max: 200 });
  if (!query?.trim()) throw new UserError('Please give some words to search for, for example `/search wheat exports`.');
  const limit = ctx.options.integer('limit', { min: 1, max: 10 }) ?? DEFAULT_SEARCH_LIMIT;
  const document = ctx.options.string('document', { max: 100 });
  return render(ctx.library, query, limit, document, ctx.library.search(query, { limit, document }));
}

export function autocomplete(ctx: AutocompleteContext) {
  return documentChoices(ctx.library, ctx.focused.value);
}

/** Buttons: `search:<limit>|<document>|<query>` (suggestions and "More results"). */
export function button(ctx: CommandContext, payload: string): Reply {
  const [limitText, document, ...rest] = payload.split('|');
  const query = rest.join('|');
  const limit = Math.min(10, Math.max(1, Number(limitText) || 3));
  const reply = render(ctx.library, query, limit, document || undefined, ctx.library.search(query, { limit, document: document || undefined }));
  return { ...reply, ephemeral: true };
}

function searchButton(label: string, limit: number, document: string | undefined, query: string): ReplyButton | undefined {
  const customId = `search:${limit}|${document ?? ''}|${query}`;
  return customId.length <= LIMITS.customId ? { type: 'action', label: label.slice(0, LIMITS.buttonLabel), customId } : undefined;
}

function render(library: Library, query: string, limit: number, document: string | undefined, result: SearchResult): Reply {
  const shown = `“${escapeMarkdown(query.replace(/\s+/g, ' ').trim().slice(0, 100))}”`;
  const buttons: ReplyButton[] = [];
  if (result.hits.length === 0) {
    const closest = result.suggestions.map((s) => `*${escapeMarkdown(s.text)}* (${s.count})`);
    for (const s of result.suggestions.slice(0, 5)) {
      const b = searchButton(s.text, limit, document, s.text);
      if (b) buttons.push(b);
    }
    const tail = closest.length ? ` Closest: ${closest.join(', ')}.` : ' Try fewer or different words, or `/topics` to browse.';
    return { content: `No passage matches ${shown}.${tail}`, buttons, ephemeral: true };
  }

  const header = result.complete
    ? `🔎 ${plural(result.hits.length, 'passage')} for ${shown}`
    : `🔎 No passage has every word of ${shown}; the closest ${result.hits.length === 1 ? 'one' : plural(result.hits.length, 'passage')}:`;
  // Share the message between passages so several fit without any being cut mid-word.
  const perPassage = Math.max(200, Math.floor((LIMITS.content - header.length) / result.hits.length) - 120);
  const blocks = result.hits.map((h) => passage(library, h.point, { highlights: h.highlights, maxChars: perPassage }));
  const body = fitBlocks(blocks, LIMITS.content - header.length - 2, '\n\n', (n) =>
    `-# ${plural(n, 'more passage')} did not fit in one message; narrow the search or use /quote.`,
  );

  if (!result.complete && result.suggestions[0]) {
    const b = searchButton(`Try “${result.suggestions[0].text}”`, limit, document, result.suggestions[0].text);
    if (b) buttons.push(b);
  }
  if (result.hits.length === limit && limit < 10) {
    const b = searchButton('More results', Math.min(10, limit + 5), document, query);
    if (b) buttons.push(b);
  }
  const top = result.hits[0]!.point;
  if (top.kind === 'sentence') buttons.push({ type: 'action', label: 'Show paragraph', customId: `quote:${top.doc}#p${top.paragraph}` });
  // Only an absolute http(s) URL becomes a button (Discord would reject anything else, failing the whole reply).
  const source = httpUrl(library.doc(top.doc)?.meta.source);
  if (source) buttons.push({ type: 'link', label: 'Open source', url: source });
  return { content: `${header}\n\n${body}`, buttons: buttons.slice(0, LIMITS.buttonsPerRow) };
}
