import { ApplicationCommandOptionType, ChannelType, InteractionContextType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { longDate } from '../src/digest/brief.js';
import { explainFailure } from '../src/digest/sender.js';
import { QUIET_CHOICES, QUIET_SKIPPED, type QuietChoice } from '../src/digest/store.js';
import type { DigestService, DigestStatus } from '../src/digest/service.js';
import { timeZoneChoices } from '../src/digest/timezones.js';
import { UserError } from '../src/errors.js';
import type { AutocompleteContext, CommandContext } from '../src/interactions/command.js';
import { escapeMarkdown } from '../src/replies/markdown.js';
import { plural } from '../src/replies/passages.js';
import type { Reply } from '../src/replies/types.js';

/** Discord's MANAGE_GUILD ("Manage Server") bit; ADMINISTRATOR implies it. */
const MANAGE_GUILD = 1n << 5n;
const ADMINISTRATOR = 1n << 3n;

export const data = {
  name: 'digest',
  description: 'The daily brief: what is new in the library since the last one, quoted, posted every morning',
  // Hidden from members without Manage Server unless an admin grants it; checked again at run time.
  default_member_permissions: String(MANAGE_GUILD),
  dm_permission: false,
  // A server's library, channel and schedule: nothing to act on in a DM.
  contexts: [InteractionContextType.Guild],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'set',
      description: 'Post the brief every day at a time, in a channel',
      options: [
        {
          type: ApplicationCommandOptionType.Channel,
          name: 'channel',
          description: 'Where to post it',
          required: true,
          channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
        },
        { type: ApplicationCommandOptionType.String, name: 'time', description: '24-hour HH:MM, e.g. 08:30', required: true, min_length: 3, max_length: 5 },
        { type: ApplicationCommandOptionType.String, name: 'timezone', description: 'IANA time zone, e.g. Europe/London', required: true, autocomplete: true, max_length: 64 },
        { type: ApplicationCommandOptionType.String, name: 'topics', description: 'Only news in these topics, comma-separated (default: every topic)', max_length: 500 },
        {
          type: ApplicationCommandOptionType.String,
          name: 'quiet',
          description: 'On a day with nothing new (default: a short note)',
          choices: [
            { name: 'short: a one-line note', value: 'short' },
            { name: 'skip: post nothing', value: 'skip' },
          ],
        },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, name: 'show', description: 'The schedule, the next post time and how the last post went' },
    { type: ApplicationCommandOptionType.Subcommand, name: 'off', description: 'Stop posting the daily brief' },
    { type: ApplicationCommandOptionType.Subcommand, name: 'now', description: 'Post the brief now (does not replace the scheduled one)' },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const NEED_PERMISSION = 'You need the Manage Server permission to change the daily brief.';
const SERVER_ONLY = 'The daily brief is set per Discord server; use `/digest` in a server channel.';
const NO_DATABASE = 'The daily brief is not available here: it needs the bot’s database.';

function canManage(ctx: CommandContext): boolean {
  const p = ctx.member?.permissions ?? 0n;
  return (p & MANAGE_GUILD) === MANAGE_GUILD || (p & ADMINISTRATOR) === ADMINISTRATOR;
}

/** "08:00 (Europe/London)". */
const when = (at: number, timezone: string) =>
  `${longDate(new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at))}, ` +
  `${new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at)} (${timezone}) · <t:${Math.floor(at / 1000)}:R>`;

function describe(status: DigestStatus): string {
  const s = status.settings;
  if (!s) return 'No daily brief is set for this server. `/digest set` schedules one.';
  const topics = s.topics?.length ? s.topics.map((t) => escapeMarkdown(t)).join(', ') : 'all';
  const quiet = s.quiet === 'skip' ? 'no post' : 'a short note';
  const lines = [
    s.enabled
      ? `🗞️ Daily brief: every day at **${s.time}** (${s.timezone}) in <#${s.channelId}> · topics: ${topics} · nothing new: ${quiet} (quiet: ${s.quiet})`
      : `🗞️ The daily brief is **off** (it was at ${s.time} (${s.timezone}) in <#${s.channelId}>). \`/digest set\` turns it back on.`,
  ];
  if (status.next) lines.push(`Next: ${when(status.next.at, s.timezone)}`);
  const last = status.last;
  if (last) {
    const day = longDate(last.localDate);
    if (last.status === 'sent') {
      lines.push(`Last: ${day} — posted${last.late ? ' late (the bot was offline at the scheduled time)' : ''}, ${plural(last.messageIds.length, 'message')}.`);
    } else if (last.status === 'failed') {
      const code = last.errorCode ? ` (Discord error ${last.errorCode})` : '';
      lines.push(`⚠️ Last: ${day} — not posted: ${explainFailure(last.errorCode, last.errorMessage)}${code}`);
    } else if (last.status === 'skipped' && last.errorMessage === QUIET_SKIPPED) {
      lines.push(`Last: ${day} — nothing new, so nothing was posted (quiet: skip).`);
    } else if (last.status === 'skipped') {
      lines.push(`Last: ${day} — skipped: the bot was not running that day.`);
    } else {
      lines.push(`Last: ${day} — being posted now.`);
    }
  } else if (s.enabled) {
    lines.push('No brief has been posted yet.');
  }
  return lines.join('\n');
}

function service(ctx: CommandContext): { guildId: string; digest: DigestService } {
  if (!ctx.guildId) throw new UserError(SERVER_ONLY);
  const digest = ctx.services?.digest;
  if (!digest) throw new UserError(NO_DATABASE);
  return { guildId: ctx.guildId, digest };
}

async function now(ctx: CommandContext): Promise<Reply> {
  const digest = ctx.services?.digest;
  if (!digest) throw new UserError(NO_DATABASE);
  const settings = ctx.guildId ? await digest.store.settings(ctx.guildId) : undefined;
  // Without a server (the console) or a channel, there is nowhere to post: the brief is the answer.
  const toChannel = Boolean(settings?.enabled);
  if (toChannel && !canManage(ctx)) return { content: NEED_PERMISSION, ephemeral: true, outcome: 'refused' };
  await ctx.defer({ ephemeral: toChannel });
  const result = await digest.postNow(ctx.guildId, `${ctx.user.id}:${digest.now()}`);
  if (!result.outcome) return briefReply(result.messages);
  if (result.outcome.ok) return { content: `Posted the brief in <#${result.channelId}> (${plural(result.outcome.messageIds.length, 'message')}).`, ephemeral: true };
  const code = result.outcome.code ? ` (Discord error ${result.outcome.code})` : '';
  return { content: `The brief was not posted in <#${result.channelId}>: ${explainFailure(result.outcome.code, result.outcome.message)}${code}`, ephemeral: true };
}

/** The first part as the reply, the rest after it: the whole brief, wherever it is asked for. */
function briefReply(messages: string[]): Reply {
  return { content: messages[0] ?? '', more: messages.slice(1) };
}

export async function execute(ctx: CommandContext): Promise<Reply> {
  const sub = ctx.options.subcommand;
  if (sub === 'now') return now(ctx);
  if (sub === 'show') {
    const { guildId, digest } = service(ctx);
    return { content: describe(await digest.status(guildId)) };
  }
  if (sub !== 'set' && sub !== 'off') throw new UserError('Use `/digest set`, `/digest show`, `/digest off` or `/digest now`.');
  // Refuse before anything else, so the refusal stays ephemeral and nothing changes.
  if (ctx.guildId && !canManage(ctx)) return { content: NEED_PERMISSION, ephemeral: true, outcome: 'refused' };
  const { guildId, digest } = service(ctx);
  if (sub === 'off') {
    return { content: (await digest.off(guildId, ctx.user.id)) ? 'The daily brief is off. `/digest set` turns it back on.' : 'There was no daily brief to turn off.' };
  }
  const channelId = ctx.options.string('channel', { max: 25 });
  const time = ctx.options.string('time', { max: 10 });
  const timezone = ctx.options.string('timezone', { max: 64 });
  if (!channelId || !time || !timezone) throw new UserError('`/digest set` needs a channel, a time (HH:MM) and a time zone.');
  // Discord sends a channel id; anything else (typed text, a mention) would be echoed back as `<#…>`.
  if (!/^\d{17,20}$/.test(channelId)) throw new UserError('Pick the `channel` from the list Discord offers.');
  const quiet = ctx.options.string('quiet', { max: 10 });
  if (quiet !== undefined && !QUIET_CHOICES.includes(quiet as QuietChoice)) throw new UserError('`quiet` is `short` (a one-line note on a day with nothing new) or `skip` (no post).');
  const status = await digest.set(guildId, { channelId, time, timezone, topics: ctx.options.string('topics', { max: 500 }), quiet: quiet as QuietChoice | undefined }, ctx.user.id);
  return { content: `✅ Saved. ${describe(status)}\n-# \`/digest now\` posts one straight away to check Dossier can post there.` };
}

export function autocomplete(ctx: AutocompleteContext) {
  return ctx.focused.name === 'timezone' ? timeZoneChoices(ctx.focused.value) : [];
}
