import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { DigestService } from '../digest/service.js';
import type { FeedService } from '../feeds/service.js';
import type { IngestService } from '../ingest/service.js';
import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import type { Reply } from '../replies/types.js';
import type { Options } from './options.js';

/**
 * The contract between a command module in `commands/` and whoever runs it:
 * the Discord edge, the local console, the CLI and the tests all build one of
 * these, so a handler never knows which it is talking to.
 */
export interface CommandContext {
  library: Library;
  options: Options;
  user: { id: string; name: string };
  guildId: string | null;
  /** The asker as a server member; absent in DMs and the console (no server, so no server permissions). */
  member?: { permissions: bigint; roles: string[] };
  /** Files given to attachment options, by option name (resolved from the interaction by the edge). */
  attachments?: Record<string, AttachmentRef>;
  /** Long-lived core services, for commands that change state rather than read the library. */
  services?: CommandServices;
  logger: Logger;
  /** Every registered command's definition (for /help). */
  commands: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[];
  /**
   * Acknowledge now and answer later (Discord's 3-second rule). Call it after
   * the cheap checks, so a refusal can still be ephemeral. No-op elsewhere.
   */
  defer(options?: { ephemeral?: boolean }): Promise<void>;
}

export interface AttachmentRef {
  url: string;
  name: string;
  size: number;
  contentType?: string;
  /** A file on this machine, given as `file:PATH` in the console: read from disk rather than downloaded. */
  path?: string;
}

export interface CommandServices {
  ingest?: IngestService;
  /** The daily brief's settings, log and sender; absent where there is no database (console, CLI). */
  digest?: DigestService;
  /** The servers' followed feeds; absent where there is no database (console, CLI). */
  feeds?: FeedService;
}

export interface AutocompleteContext {
  library: Library;
  options: Options;
  focused: { name: string; value: string };
  /** For choices that are the server's own state rather than its library (its feeds). */
  guildId?: string | null;
  services?: CommandServices;
}

export interface Choice {
  name: string;
  value: string | number;
}

export interface CommandModule {
  /** Registered verbatim with Discord by `npm run deploy`. */
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(ctx: CommandContext): Reply | Promise<Reply>;
  autocomplete?(ctx: AutocompleteContext): Choice[] | Promise<Choice[]>;
  /** Buttons whose custom id starts with `<name>:`; `payload` is the rest. */
  button?(ctx: CommandContext, payload: string): Reply | Promise<Reply>;
}
