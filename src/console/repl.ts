import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import type { CommandModule } from '../interactions/command.js';
import { replyToText } from './render.js';
import { createSession } from './session.js';

export interface ConsoleOptions {
  getLibrary: () => Library;
  commands: ReadonlyMap<string, CommandModule>;
  logger: Logger;
  input?: Readable;
  output?: Writable;
  /** Printed once at start (how to connect to Discord, what to type). */
  banner?: string;
}

/**
 * A local console that answers the same slash commands as the bot, for
 * trying Dossier without a Discord application. Piped input is answered line
 * by line and the console exits at end of input.
 */
export async function runConsole({ getLibrary, commands, logger, input = process.stdin, output = process.stdout, banner }: ConsoleOptions): Promise<void> {
  const session = createSession(getLibrary, commands, logger);
  const interactive = 'isTTY' in input && Boolean((input as NodeJS.ReadStream).isTTY);
  const names = [...commands.keys()].map((n) => `/${n}`);
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
    const reply = await session.answer(line.startsWith('/') ? line : `/${line}`);
    output.write(`${replyToText(reply)}\n\n`);
    prompt();
  }
  rl.close();
}
