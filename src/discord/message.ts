import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponent,
  type InteractionReplyOptions,
} from 'discord.js';
import type { Reply } from '../replies/types.js';

/** Nothing a document says may ping anyone: set on the client and again on every message. */
export const NO_MENTIONS = { parse: [] as [] };

function components(reply: Reply): APIActionRowComponent<APIButtonComponent>[] {
  if (!reply.buttons?.length) return [];
  return [
    {
      type: ComponentType.ActionRow,
      components: reply.buttons.map((b): APIButtonComponent =>
        b.type === 'link'
          ? { type: ComponentType.Button, style: ButtonStyle.Link, label: b.label, url: b.url }
          : { type: ComponentType.Button, style: ButtonStyle.Secondary, label: b.label, custom_id: b.customId },
      ),
    },
  ];
}

/** A reply as the first response to an interaction. */
export function toReplyOptions(reply: Reply): InteractionReplyOptions & { flags?: MessageFlags.Ephemeral } {
  return {
    content: reply.content,
    components: components(reply),
    allowedMentions: NO_MENTIONS,
    ...(reply.ephemeral ? { flags: MessageFlags.Ephemeral as const } : {}),
  };
}

/** A reply as an edit of a deferred response (visibility was fixed when deferring). */
export function toEditOptions(reply: Reply) {
  return { content: reply.content, components: components(reply), allowedMentions: NO_MENTIONS };
}
