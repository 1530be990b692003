import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import type { LibraryScope } from '../tenancy/scope.js';
import type { CommandContext, CommandModule, CommandServices } from '../interactions/command.js';
import { Options, type OptionValue } from '../interactions/options.js';
import { errorReply, runCommand } from '../interactions/run.js';
import type { Reply } from '../replies/types.js';
import { parseCommandLine } from './parse.js';

export interface Session {
  /** Runs one `/command …` line and returns the reply Discord would show. */
  answer(line: string): Promise<Reply>;
  /** Runs a command with options already split out (the CLI). */
  run(name: string, values: Record<string, OptionValue | undefined>, subcommand?: string): Promise<Reply>;
}

/** The console's user: there is no Discord account behind a terminal. */
const CONSOLE_USER = { id: 'console', name: 'console' };

/**
 * Answers commands as Discord would, for the scope `getScope` names at each
 * call (the shared library, or a server's view with `--guild`).
 */
export function createSession(
  getScope: () => LibraryScope,
  commands: ReadonlyMap<string, CommandModule>,
  logger: Logger,
  /** Core services the console has beyond the scope's ingest (the daily brief, when the database opened). */
  services: CommandServices = {},
): Session {
  const definitions = [...commands.values()].map((c) => c.data);
  const run: Session['run'] = async (name, values, subcommand) => {
    const command = commands.get(name);
    if (!command) return errorReply(new UserError(`Unknown command \`/${name}\`.`), logger, {});
    const scope = getScope();
    const ctx: CommandContext = {
      library: scope.library(),
      options: new Options(values, subcommand),
      user: CONSOLE_USER,
      guildId: scope.guildId,
      services: { ...services, ingest: scope.ingest },
      logger: logger.child({ command: name }),
      commands: definitions,
      defer: async () => {},
    };
    return runCommand(command, ctx);
  };
  return {
    run,
    async answer(line) {
      try {
        const parsed = parseCommandLine(line, commands);
        return await run(parsed.name, parsed.values, parsed.subcommand);
      } catch (err) {
        return errorReply(err, logger, { line });
      }
    },
  };
}
