import { RefusalError, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { LIMITS, truncate } from '../replies/limits.js';
import type { Reply } from '../replies/types.js';
import type { CommandContext, CommandModule } from './command.js';

export const GENERIC_ERROR = 'Sorry, something went wrong while answering that. The error has been logged; please try again.';

/**
 * The one error boundary every front end shares: a UserError becomes a polite
 * ephemeral answer, anything else is logged with context and replaced by a
 * safe message (never a stack trace or a path).
 */
export async function runCommand(
  command: CommandModule,
  ctx: CommandContext,
  action: (ctx: CommandContext) => Reply | Promise<Reply> = (c) => command.execute(c),
): Promise<Reply> {
  try {
    return finalize(await action(ctx));
  } catch (err) {
    return errorReply(err, ctx.logger, { command: command.data.name, userId: ctx.user.id, guildId: ctx.guildId });
  }
}

export function errorReply(err: unknown, logger: Logger, context: Record<string, unknown>): Reply {
  if (err instanceof UserError) return { content: truncate(err.message, LIMITS.content), ephemeral: true, outcome: err instanceof RefusalError ? 'refused' : 'rejected' };
  logger.error({ ...context, err }, 'command failed');
  return { content: GENERIC_ERROR, ephemeral: true };
}

/** Last line of defence: builders already fit the limits; this guarantees it. */
export function finalize(reply: Reply): Reply {
  const content = reply.content.trim() ? truncate(reply.content, LIMITS.content) : '(nothing to show)';
  const buttons = reply.buttons?.slice(0, LIMITS.buttonsPerRow).map((b) => ({ ...b, label: truncate(b.label, LIMITS.buttonLabel) }));
  const more = reply.more?.filter((m) => m.trim()).slice(0, LIMITS.followUps).map((m) => truncate(m, LIMITS.content));
  return { ...reply, content, buttons, ...(more?.length ? { more } : { more: undefined }) };
}
