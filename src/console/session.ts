import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationCommandOptionType } from 'discord.js';
import { UserError } from '../errors.js';
import { ADMINISTRATOR } from '../ingest/permissions.js';
import type { Logger } from '../log.js';
import type { LibraryScope } from '../tenancy/scope.js';
import type { AttachmentRef, CommandContext, CommandModule, CommandServices } from '../interactions/command.js';
import { checkDeclaredLimits, declaredOptions } from '../interactions/definition.js';
import { Options, type OptionValue } from '../interactions/options.js';
import { errorReply, runCommand } from '../interactions/run.js';
import type { Reply, ReplyButton } from '../replies/types.js';
import { parseCommandLine } from './parse.js';

export interface Session {
  /** Runs one `/command …` line (or `/press N`, or just `N`) and returns the reply Discord would show. */
  answer(line: string): Promise<Reply>;
  /** Runs a command with options already split out (the CLI). */
  run(name: string, values: Record<string, OptionValue | undefined>, subcommand?: string): Promise<Reply>;
}

/** The console's user: there is no Discord account behind a terminal. */
const CONSOLE_USER = { id: 'console', name: 'console' };

/**
 * Whoever runs the console or the CLI can already write to DATA_DIR, so they
 * act as a server's owner would: /ingest, /forget and /digest set are theirs.
 */
const OPERATOR = { permissions: ADMINISTRATOR, roles: [] };

/** The daily brief is kept per server; the console without `--guild` keeps its own under this id. */
export const CONSOLE_SERVER = 'console';

const PRESS = /^\/?press\s+(\S+)$|^(\d{1,2})$/i;

/**
 * Answers commands as Discord would, for the scope `getScope` names at each
 * call (the shared library, or a server's view with `--guild`). Remembers the
 * buttons under the last answer, so `/press N` can press one.
 */
export function createSession(
  getScope: () => LibraryScope,
  commands: ReadonlyMap<string, CommandModule>,
  logger: Logger,
  /** Core services the console has beyond the scope's ingest (the daily brief, when the database opened). */
  services: CommandServices = {},
): Session {
  const definitions = [...commands.values()].map((c) => c.data);
  let buttons: ReplyButton[] = [];

  const context = (name: string, values: Record<string, OptionValue | undefined>, subcommand?: string, attachments?: Record<string, AttachmentRef>): CommandContext => {
    const scope = getScope();
    return {
      library: scope.library(),
      options: new Options(values, subcommand),
      user: CONSOLE_USER,
      guildId: scope.guildId ?? (name === 'digest' ? CONSOLE_SERVER : null),
      member: OPERATOR,
      attachments,
      services: { ...services, ingest: scope.ingest },
      logger: logger.child({ command: name }),
      commands: definitions,
      defer: async () => {},
    };
  };

  /** Every answer replaces the buttons on offer, as a new message would in Discord. */
  const remember = (reply: Reply): Reply => {
    buttons = reply.buttons ?? [];
    return reply;
  };

  const run: Session['run'] = async (name, values, subcommand) => {
    const command = commands.get(name);
    if (!command) return errorReply(new UserError(`Unknown command \`/${name}\`.`), logger, {});
    return runCommand(command, context(name, values, subcommand));
  };

  async function press(which: string): Promise<Reply> {
    const n = Number(which);
    if (!buttons.length) throw new UserError('There are no buttons to press: the last answer had none.');
    if (!Number.isInteger(n) || n < 1 || n > buttons.length) throw new UserError(`Press a button from 1 to ${buttons.length}.`);
    const button = buttons[n - 1]!;
    if (button.type === 'link') return { content: `${button.label}: <${button.url}> (open it in a browser)` };
    const [name = '', ...rest] = button.customId.split(':');
    const command = commands.get(name);
    if (!command?.button) throw new UserError('That button has expired.');
    return runCommand(command, context(name, {}), (ctx) => command.button!(ctx, rest.join(':')));
  }

  return {
    run: async (...args) => remember(await run(...args)),
    async answer(line) {
      try {
        const pressed = PRESS.exec(line.trim());
        if (pressed) return remember(await press(pressed[1] ?? pressed[2]!));
        const parsed = parseCommandLine(line, commands);
        checkDeclaredLimits(commands.get(parsed.name)!.data, parsed.values, parsed.subcommand);
        const { values, attachments } = await localFiles(commands.get(parsed.name)!, parsed.subcommand, parsed.values);
        return remember(await runCommand(commands.get(parsed.name)!, context(parsed.name, values, parsed.subcommand, attachments)));
      } catch (err) {
        return errorReply(err, logger, { line });
      }
    },
  };
}

/** Attachment options take a local path in the console (`/ingest file:report.pdf`): the file is read from disk. */
async function localFiles(command: CommandModule, subcommand: string | undefined, values: Record<string, string>) {
  const options = declaredOptions(command.data, subcommand);
  const attachments: Record<string, AttachmentRef> = {};
  const rest = { ...values };
  for (const option of options) {
    if (option.type !== ApplicationCommandOptionType.Attachment || !rest[option.name]) continue;
    const file = path.resolve(rest[option.name]!);
    delete rest[option.name];
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new UserError(`There is no file at \`${file}\`.`);
    attachments[option.name] = { name: path.basename(file), size: info.size, url: `file://${file}`, path: file };
  }
  return { values: rest, attachments };
}
