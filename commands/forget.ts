import { ApplicationCommandOptionType, InteractionContextType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { RefusalError, UserError } from '../src/errors.js';
import { requireLibraryEditor } from '../src/ingest/access.js';
import { SHARED_FORGET } from '../src/ingest/service.js';
import { documentChoices } from '../src/interactions/autocomplete.js';
import type { AutocompleteContext, CommandContext } from '../src/interactions/command.js';
import { truncate } from '../src/replies/limits.js';
import { code, escapeMarkdown, plainText } from '../src/replies/markdown.js';
import type { Reply } from '../src/replies/types.js';

export const data = {
  name: 'forget',
  // Changes a server's library: nothing to act on in a DM.
  contexts: [InteractionContextType.Guild],
  description: 'Remove a document this server added (asks to confirm)',
  options: [
    { type: ApplicationCommandOptionType.String, name: 'document', description: 'The document to remove', required: true, autocomplete: true, max_length: 100 },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export function execute(ctx: CommandContext): Reply {
  const service = requireLibraryEditor(ctx, 'remove documents');
  const slug = ctx.options.string('document', { max: 100 });
  if (!slug) throw new UserError('Name the document to remove, for example `/forget document:putin-sharif-sco`.');
  const doc = ctx.library.requireDoc(slug);
  // Refused now rather than after the confirmation: a server reads the shared library but never changes it.
  if (doc.guild !== service.place.guild) throw new RefusalError(SHARED_FORGET);
  return {
    content: `Remove **${plainText(truncate(doc.meta.title, 200))}** ${code(doc.slug)} from the library? Its file is deleted and its citations stop working.`,
    ephemeral: true,
    buttons: [{ type: 'action', label: 'Remove it', customId: `forget:${doc.slug}` }],
  };
}

export function autocomplete(ctx: AutocompleteContext) {
  // Only what this server may remove: its own documents, not the shared ones.
  return documentChoices(ctx.library, ctx.focused.value, (d) => d.guild !== undefined);
}

/** `forget:<slug>`: the confirmation. Checked again here: a button can be pressed by whoever sees it. */
export async function button(ctx: CommandContext, slug: string): Promise<Reply> {
  const service = requireLibraryEditor(ctx, 'remove documents');
  const doc = await service.forget(slug);
  return { content: `🗑️ Removed **${plainText(truncate(doc.meta.title, 200))}** ${code(doc.slug)} from the library.` };
}
