import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CommandModule } from './command.js';

export const COMMANDS_DIR = fileURLToPath(new URL('../../commands/', import.meta.url));

/**
 * Loads every module in `commands/` (file name = command name), the way the
 * discord.js guide does, but refuses to start on a malformed module instead
 * of warning: a missing command is worse than a loud start-up error.
 */
export async function loadCommands(dir = COMMANDS_DIR): Promise<Map<string, CommandModule>> {
  const files = (await readdir(dir)).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')).sort();
  const commands = new Map<string, CommandModule>();
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as Partial<CommandModule>;
    const name = path.basename(file).replace(/\.(ts|js)$/, '');
    if (!mod.data || typeof mod.execute !== 'function') {
      throw new Error(`commands/${file} must export \`data\` and \`execute\`.`);
    }
    if (mod.data.name !== name) throw new Error(`commands/${file} defines /${mod.data.name}; the file must be named ${mod.data.name}.ts.`);
    commands.set(name, mod as CommandModule);
  }
  return commands;
}
