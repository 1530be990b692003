import {
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
} from 'discord.js';
import { cooldownMessage, type Cooldowns } from '../abuse/cooldown.js';
import type { LibraryScope, LibraryScopes } from '../tenancy/scope.js';
import type { Lifecycle } from '../lifecycle/index.js';
import { Turns } from '../lifecycle/turns.js';
import type { Logger } from '../log.js';
import { recordInteraction } from '../observability/metrics.js';
import type { AttachmentRef, CommandContext, CommandModule, CommandServices } from '../interactions/command.js';
import { Options, type OptionValue } from '../interactions/options.js';
import { errorReply, finalize, runCommand } from '../interactions/run.js';
import { LIMITS } from '../replies/limits.js';
import type { Reply } from '../replies/types.js';
import { toEditOptions, toReplyOptions } from './message.js';

/** Discord gives 3 s to acknowledge; defer well before, in case a handler awaits something slow. */
// 1.5 s rather than 2: under load the timer can wait behind one CPU-bound job (see Turns) before it fires.
const AUTO_DEFER_MS = 1500;

export interface InteractionDeps {
  /** Each interaction's library: its server's view (shared + own documents), or the shared one in DMs. */
  libraries: LibraryScopes;
  commands: ReadonlyMap<string, CommandModule>;
  logger: Logger;
  /** Shutdown waits for interactions in flight and turns new ones away. */
  lifecycle?: Lifecycle;
  cooldowns?: Cooldowns;
  /** Core services for commands that change state (ingest, forget). */
  services?: CommandServices;
  /**
   * While the library is still loading, what to tell the asker (undefined once
   * it is ready): the bot is online from the start and says so, rather than
   * letting Discord report that the application did not respond.
   */
  loading?: () => string | undefined;
}

export const RESTARTING = 'Dossier is restarting; please try again in a moment.';
/** The answer to every interaction while the library loads (a cold start of a large library takes seconds). */
export const LOADING = 'Dossier is starting and still loading its library; please try again in a few seconds.';

/** Flattens Discord's option tree (subcommand → options) into name → value. */
function optionValues(options: readonly CommandInteractionOption[]): { subcommand?: string; values: Record<string, OptionValue> } {
  const first = options[0];
  if (first && first.options && (first.type === 1 || first.type === 2)) {
    const inner = first.type === 2 ? first.options[0] : first;
    return { subcommand: inner?.name, values: optionValues(inner?.options ?? []).values };
  }
  const values: Record<string, OptionValue> = {};
  for (const o of options) if (o.value !== undefined && o.value !== null) values[o.name] = o.value;
  return { values };
}

/** Permissions and roles as plain data, so the core can check them without discord.js. */
function memberOf(interaction: ChatInputCommandInteraction | ButtonInteraction): Pick<CommandContext, 'member'> {
  if (!interaction.inGuild() || !interaction.memberPermissions) return {};
  const raw = interaction.member.roles;
  const roles = Array.isArray(raw) ? [...raw] : [...raw.cache.keys()];
  return { member: { permissions: interaction.memberPermissions.bitfield, roles } };
}

/** Attachment options, resolved by discord.js from the interaction payload. */
function attachmentsOf(options: readonly CommandInteractionOption[]): Record<string, AttachmentRef> {
  const out: Record<string, AttachmentRef> = {};
  for (const o of options) {
    if (o.options) Object.assign(out, attachmentsOf(o.options));
    const a = o.attachment;
    if (a) out[o.name] = { url: a.url, name: a.name, size: a.size, ...(a.contentType ? { contentType: a.contentType } : {}) };
  }
  return out;
}

/**
 * The interaction boundary: routes commands, autocomplete and buttons to the
 * command modules, answers within Discord's deadlines and never lets one
 * failure escape to the process.
 */
export function createInteractionHandler(deps: InteractionDeps) {
  const definitions = [...deps.commands.values()].map((c) => c.data);
  const turns = new Turns();

  /** Acknowledges at most once; the reply then goes through an edit (or a follow-up). */
  function deferrer(interaction: ChatInputCommandInteraction | ButtonInteraction) {
    let deferred: Promise<void> | undefined;
    let ephemeral = false;
    return {
      defer: (opts: { ephemeral?: boolean } = {}) => {
        deferred ??= interaction.deferReply(opts.ephemeral ? { flags: MessageFlags.Ephemeral } : {}).then(() => {
          ephemeral = Boolean(opts.ephemeral);
        });
        return deferred;
      },
      deferred: () => deferred,
      ephemeral: () => ephemeral,
    };
  }

  /**
   * The command's context. The library scope is resolved here, once: from now
   * on the command sees one snapshot of its server's view and cannot reach
   * another server's documents.
   */
  function context(interaction: ChatInputCommandInteraction | ButtonInteraction, scope: LibraryScope, options: Options, logger: Logger, defer: CommandContext['defer']): CommandContext {
    return {
      library: scope.library(),
      options,
      user: { id: interaction.user.id, name: interaction.user.username },
      guildId: interaction.guildId,
      ...memberOf(interaction),
      ...(interaction.isChatInputCommand() ? { attachments: attachmentsOf(interaction.options.data) } : {}),
      services: { ...deps.services, ingest: scope.ingest },
      logger,
      commands: definitions,
      defer,
    };
  }

  /** Runs a command or button with the auto-defer safety net, then sends its reply. */
  async function answer(interaction: ChatInputCommandInteraction | ButtonInteraction, options: Options, logger: Logger, action: (ctx: CommandContext) => Promise<Reply>): Promise<string | void> {
    const d = deferrer(interaction);
    // Started before loading a server's library: a first use may read its folder.
    const timer = setTimeout(() => void d.defer().catch((err) => logger.warn({ err }, 'auto-defer failed')), AUTO_DEFER_MS);
    let reply: Reply;
    try {
      await turns.wait();
      const scope = await deps.libraries.scope(interaction.guildId);
      reply = await action(context(interaction, scope, options, logger, d.defer));
    } finally {
      clearTimeout(timer);
    }
    await send(interaction, reply, d.deferred(), d.ephemeral());
    return reply.outcome;
  }

  async function send(interaction: ChatInputCommandInteraction | ButtonInteraction, reply: Reply, deferred: Promise<void> | undefined, deferredEphemeral: boolean | undefined) {
    await sendFirst(interaction, reply, deferred, deferredEphemeral);
    // In order, each once the one before is there: Discord shows follow-ups in the order they arrive.
    for (const part of reply.more ?? []) await interaction.followUp(toReplyOptions({ content: part, ephemeral: reply.ephemeral }));
  }

  async function sendFirst(interaction: ChatInputCommandInteraction | ButtonInteraction, reply: Reply, deferred: Promise<void> | undefined, deferredEphemeral: boolean | undefined) {
    if (!deferred) {
      await interaction.reply(toReplyOptions(reply));
      return;
    }
    await deferred;
    // A refusal discovered after a public defer must still reach only the asker.
    if (reply.ephemeral && !deferredEphemeral) {
      await interaction.deleteReply().catch(() => {});
      await interaction.followUp(toReplyOptions(reply));
      return;
    }
    await interaction.editReply(toEditOptions(reply));
  }

  /** Refuses, ephemerally and before any work, a user or guild over its cooldown. */
  async function admit(interaction: ChatInputCommandInteraction | ButtonInteraction, name: string): Promise<boolean> {
    const verdict = deps.cooldowns?.take(interaction.user.id, interaction.guildId) ?? { ok: true };
    if (verdict.ok) return true;
    await interaction.reply(toReplyOptions({ content: cooldownMessage(name, verdict), ephemeral: true }));
    return false;
  }

  async function chatInput(interaction: ChatInputCommandInteraction, logger: Logger): Promise<string | void> {
    const command = deps.commands.get(interaction.commandName);
    if (!command) {
      await interaction.reply(toReplyOptions({ content: 'That command is not available any more.', ephemeral: true }));
      return;
    }
    if (!(await admit(interaction, command.data.name))) return 'cooldown';
    const { subcommand, values } = optionValues(interaction.options.data);
    return answer(interaction, new Options(values, subcommand), logger, (ctx) => runCommand(command, ctx));
  }

  async function autocomplete(interaction: AutocompleteInteraction, logger: Logger): Promise<string | void> {
    // Over the keystroke budget: no choices and no search. Discord shows none; a person typing never gets here.
    if (deps.cooldowns && !deps.cooldowns.takeKeystroke(interaction.user.id)) {
      await interaction.respond([]);
      return 'cooldown';
    }
    const command = deps.commands.get(interaction.commandName);
    const focused = interaction.options.getFocused(true);
    let choices: { name: string; value: string | number }[] = [];
    // Autocomplete cannot defer, so it jumps the queue of commands waiting for the CPU.
    await turns.wait(true);
    try {
      if (command?.autocomplete) {
        const { subcommand, values } = optionValues(interaction.options.data);
        const scope = await deps.libraries.scope(interaction.guildId);
        choices = await command.autocomplete({
          library: scope.library(),
          options: new Options(values, subcommand),
          focused: { name: focused.name, value: String(focused.value ?? '') },
          guildId: interaction.guildId,
          services: deps.services,
        });
      }
    } catch (err) {
      // An empty list is a better answer than none: Discord shows "loading failed" otherwise.
      logger.error({ err }, 'autocomplete failed');
    }
    await interaction.respond(
      choices
        .filter((c) => String(c.value).length <= LIMITS.choiceValue && c.name.length <= LIMITS.choiceName)
        .slice(0, LIMITS.autocompleteChoices),
    );
  }

  async function button(interaction: ButtonInteraction, logger: Logger): Promise<string | void> {
    const [name = '', ...rest] = interaction.customId.split(':');
    const command = deps.commands.get(name);
    if (!command?.button) {
      await interaction.reply(toReplyOptions({ content: 'That button has expired.', ephemeral: true }));
      return;
    }
    if (!(await admit(interaction, name))) return 'cooldown';
    return answer(interaction, new Options({}), logger, (ctx) => runCommand(command, ctx, (c) => command.button!(c, rest.join(':'))));
  }

  return async function handle(interaction: Interaction): Promise<void> {
    const started = performance.now();
    const commandName = 'commandName' in interaction ? interaction.commandName : interaction.isButton() ? interaction.customId.split(':')[0] : undefined;
    const logger = deps.logger.child({
      interactionId: interaction.id,
      command: commandName,
      guildId: interaction.guildId,
      userId: interaction.user.id,
    });
    let outcome = 'ok';
    try {
      // Turned away, privately, while shutting down or still loading: autocomplete just gets no choices.
      const loading = deps.loading?.();
      const away = deps.lifecycle && !deps.lifecycle.accepting ? { outcome: 'shutting_down', content: RESTARTING } : loading !== undefined ? { outcome: 'loading', content: loading } : undefined;
      if (away) {
        outcome = away.outcome;
        if (interaction.isAutocomplete()) await interaction.respond([]);
        else if (interaction.isRepliable()) await interaction.reply(toReplyOptions({ content: away.content, ephemeral: true }));
        return;
      }
      const work = async () => {
        if (interaction.isAutocomplete()) return autocomplete(interaction, logger);
        else if (interaction.isChatInputCommand()) return chatInput(interaction, logger);
        else if (interaction.isButton()) return button(interaction, logger);
      };
      outcome = (await (deps.lifecycle ? deps.lifecycle.run(work) : work())) ?? 'ok';
    } catch (err) {
      outcome = 'error';
      logger.error({ err }, 'interaction failed');
      // Last resort: tell the user, if Discord still lets us.
      if (interaction.isRepliable()) {
        const reply = finalize(errorReply(err, logger, {}));
        const send = interaction.replied || interaction.deferred ? interaction.followUp(toReplyOptions(reply)) : interaction.reply(toReplyOptions(reply));
        await send.catch(() => {});
      }
    } finally {
      const ms = performance.now() - started;
      const kind = interaction.isAutocomplete() ? 'autocomplete' : interaction.isButton() ? 'button' : 'command';
      // Only known names become labels: a label per arbitrary string would grow the metrics without bound.
      recordInteraction(commandName && deps.commands.has(commandName) ? commandName : 'unknown', outcome, kind, ms / 1000);
      logger.info({ durationMs: Math.round(ms), outcome }, 'interaction handled');
    }
  };
}
