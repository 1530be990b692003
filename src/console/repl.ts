import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../log.js';
import { plural } from '../replies/passages.js';
import type { LibraryScope } from '../tenancy/scope.js';
import type { CommandModule, CommandServices } from '../interactions/command.js';
import { replyToText } from './render.js';
import { createSession } from './session.js';

export interface ConsoleOptions {
  /** The library lines are answered from: a server's view (its id), or the shared library (null). */
  open: (guildId: string | null) => Promise<LibraryScope>;
  /** The server to start in (`--guild`); default the shared library. */
  guildId?: string | null;
  commands: ReadonlyMap<string, CommandModule>;
  logger: Logger;
  input?: Readable;
  output?: Writable;
  /** Printed once at start (how to connect to Discord, what to type). */
  banner?: string;
  /** Core services beyond each scope's ingest (the daily brief, when the database opened). */
  services?: CommandServices;
}

const SERVER_ID = /^\d{17,20}$/;

/** Which library the console answers from. */
export function describeScope(scope: LibraryScope): string {
  const library = scope.library();
  if (scope.guildId === null) return `Answering from the shared library (${plural(library.docs.length, 'document')}). \`/guild <server id>\` answers as one server sees it.`;
  const own = library.docs.filter((d) => d.guild !== undefined).length;
  return `Answering as server ${scope.guildId} sees the library: ${plural(own, 'document')} of its own and ${library.docs.length - own} shared. \`/guild\` alone goes back to the shared library.`;
}

/**
 * A local console that answers the same slash commands as the bot, for
 * trying Dossier without a Discord application. Piped input is answered line
 * by line and the console exits at end of input.
 */
export async function runConsole({ open, guildId = null, commands, logger, input = process.stdin, output = process.stdout, banner, services }: ConsoleOptions): Promise<void> {
  let scope = await open(guildId);
  const session = createSession(() => scope, commands, logger, services);
  const interactive = 'isTTY' in input && Boolean((input as NodeJS.ReadStream).isTTY);
  const names = [...[...commands.keys()].map((n) => `/${n}`), '/guild', '/press'];
  const rl = readline.createInterface({
    input,
    output: interactive ? output : undefined,
    terminal: interactive,
    completer: (line: string) => {
      const hits = names.filter((n) => n.startsWith(line.trim()));
      return [hits.length ? hits : names, line];
    },
  });
  if (banner) output.write(`${banner}\n`);
  const prompt = () => interactive && rl.prompt();
  rl.setPrompt('dossier> ');
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line) {
      prompt();
      continue;
    }
    if (/^(exit|quit|\/exit|\/quit)$/i.test(line)) break;
    const guild = /^\/?guild(?:\s+(.*))?$/i.exec(line);
    if (guild) {
      const id = guild[1]?.trim() || null;
      if (id !== null && !SERVER_ID.test(id)) output.write('`/guild` takes a Discord server id (17–20 digits), or nothing for the shared library alone.\n\n');
      else {
        scope = await open(id);
        output.write(`${describeScope(scope)}\n\n`);
      }
      prompt();
      continue;
    }
    const reply = await session.answer(line);
    output.write(`${replyToText(reply)}\n\n`);
    prompt();
  }
  rl.close();
}
