import fc from 'fast-check';
import { ApplicationCommandOptionType as T, type APIApplicationCommandOption } from 'discord.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/console/session.js';
import { openDatabase } from '../../src/db/index.js';
import { DigestService } from '../../src/digest/service.js';
import { DigestStore } from '../../src/digest/store.js';
import type { CommandModule } from '../../src/interactions/command.js';
import { Options, type OptionValue } from '../../src/interactions/options.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { runCommand } from '../../src/interactions/run.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import { LIMITS } from '../../src/replies/limits.js';
import type { Reply } from '../../src/replies/types.js';
import { FIXTURE_LIBRARY } from '../helpers/bot.js';

// Quick in `npm test`; FUZZ_RUNS=2000 for a deeper hunt.
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** Strings a hostile or careless user might type: every one must get a polite answer. */
const hostileString = fc.oneof(
  fc.tuple(fc.constantFrom('wheat', 'Energy deal', 'putin-sharif-sco'), fc.constantFrom(', <@&123456789012345678>', ', @everyone', ' **x**', ', <#1>')).map(([a, b]) => a + b),
  fc.constant(''),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.constantFrom('@everyone', '@here', '<@123456789012345678>', '<@!123456789012345678>', '<@&123456789012345678>', '<#123456789012345678>', '</search:1>'),
  fc.constantFrom('**bold**', '__u__', '~~s~~', '||spoiler||', '`code`', '```js\nx\n```', '# heading', '> quote', '[link](https://evil.example)', '-# sub'),
  fc.array(fc.constantFrom('wheat', '@everyone', '<@&1>', '**', '`', '\\', '#', 'p3.s2', 'putin-sharif-sco#p3.s2', '\u0000', '\u202e', '😀', '\n', ' '), { maxLength: 30 }).map((a) => a.join('')),
  fc.integer({ min: 101, max: 5_000 }).map((n) => 'x'.repeat(n)),
);

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 2 ** 53, -(2 ** 53), 1e308, Number.MAX_SAFE_INTEGER + 2, -0),
  fc.constantFrom('12', '1e999', 'NaN', '-', ''),
);

/** A value each option accepts, so a handler gets past its first checks to where it echoes the hostile ones. */
const VALID_BY_NAME: Record<string, OptionValue> = {
  time: '08:30', timezone: 'Europe/London', document: 'putin-sharif-sco', citation: 'putin-sharif-sco#p3.s2', name: 'Energy deal', query: 'wheat',
};

function validFor(option: APIApplicationCommandOption): OptionValue {
  if ('choices' in option && option.choices?.length) return option.choices[0]!.value;
  if (option.type === T.Integer || option.type === T.Number) return ('min_value' in option && option.min_value) || 1;
  if (option.type === T.Boolean) return true;
  if (option.type === T.Channel || option.type === T.User || option.type === T.Role) return '323456789012345678';
  return VALID_BY_NAME[option.name] ?? 'wheat';
}

function valueFor(option: APIApplicationCommandOption): fc.Arbitrary<OptionValue> {
  return fc.oneof(fc.constant(validFor(option)), hostileValueFor(option));
}

function hostileValueFor(option: APIApplicationCommandOption): fc.Arbitrary<OptionValue> {
  if (option.type === T.Integer || option.type === T.Number) return hostileNumber;
  if (option.type === T.Boolean) return fc.oneof(fc.boolean(), hostileString);
  if (option.type === T.String && 'choices' in option && option.choices?.length) {
    return fc.oneof(fc.constantFrom(...option.choices.map((c) => c.value)), hostileString);
  }
  return hostileString;
}

/** Every (subcommand, options) shape a command accepts, with hostile values for each option. */
function invocations(command: CommandModule): fc.Arbitrary<{ subcommand?: string; values: Record<string, OptionValue | undefined> }> {
  const options = (command.data.options ?? []) as APIApplicationCommandOption[];
  const subs = options.filter((o) => o.type === T.Subcommand);
  const shape = (opts: readonly APIApplicationCommandOption[], subcommand?: string) =>
    fc.record(Object.fromEntries(opts.map((o) => [o.name, valueFor(o)])), { requiredKeys: [] }).map((values) => ({ subcommand, values }));
  if (!subs.length) return shape(options);
  return fc.oneof(...subs.map((s) => shape(('options' in s ? s.options : undefined) ?? [], s.name)));
}

function expectWithinLimits(reply: Reply): void {
  expect(reply.content.length).toBeGreaterThan(0);
  expect(reply.content.length).toBeLessThanOrEqual(LIMITS.content);
  for (const b of reply.buttons ?? []) {
    expect(b.label.length).toBeLessThanOrEqual(LIMITS.buttonLabel);
    if (b.type === 'action') expect(b.customId.length).toBeLessThanOrEqual(LIMITS.customId);
  }
  expect((reply.buttons ?? []).length).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
}

/** Mention syntax outside code spans must be backslash-escaped, so it renders as text rather than a pill. */
function expectNoLiveMentions(content: string, input: string): void {
  // Discord renders inline code across line breaks too, and nothing inside code is a mention.
  const outsideCode = content.replace(/```[\s\S]*?```|`[^`]+`/g, '');
  for (const m of outsideCode.matchAll(/<@[!&]?\d/g)) {
    expect(outsideCode[m.index! - 1], `unescaped ${m[0]} in reply to ${JSON.stringify(input)}`).toBe('\\');
  }
}

let library: Library;
let commands: ReadonlyMap<string, CommandModule>;

beforeAll(async () => {
  library = await Library.load(FIXTURE_LIBRARY);
  commands = await loadCommands();
});

describe('hostile input to every command', () => {
  it('GIVEN random unicode, control characters, markdown, mentions, huge numbers and empty strings THEN every handler answers within Discord limits and no mention comes alive', async () => {
    const session = createSession(() => ({ guildId: null, library: () => library }), commands, silentLogger);
    for (const command of commands.values()) {
      await fc.assert(
        fc.asyncProperty(invocations(command), async ({ subcommand, values }) => {
          const reply = await session.run(command.data.name, values, subcommand);
          expectWithinLimits(reply);
          expectNoLiveMentions(reply.content, JSON.stringify(values));
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('GIVEN a server admin with the daily brief available THEN hostile options still get answers within limits with no live mention', async () => {
    const db = await openDatabase({ kind: 'sqlite', file: ':memory:' });
    const sent: string[] = [];
    const sender = { isReady: () => true, send: async (_channel: string, messages: readonly string[]) => (sent.push(...messages), messages.map((_, i) => String(i))) };
    const digest = new DigestService({ store: new DigestStore(db), sender, libraryFor: async () => library, logger: silentLogger });
    const definitions = [...commands.values()].map((c) => c.data);
    try {
      for (const command of commands.values()) {
        await fc.assert(
          fc.asyncProperty(invocations(command), async ({ subcommand, values }) => {
            const ctx = {
              library,
              options: new Options(values, subcommand),
              user: { id: '123456789012345678', name: 'admin' },
              guildId: '223456789012345678',
              member: { permissions: (1n << 3n) | (1n << 5n), roles: [] },
              services: { digest },
              logger: silentLogger,
              commands: definitions,
              defer: async () => {},
            };
            const reply = await runCommand(command, ctx);
            expectWithinLimits(reply);
            expectNoLiveMentions(reply.content, JSON.stringify({ subcommand, values }));
          }),
          { numRuns: RUNS },
        );
      }
      for (const message of sent) expect(message.length).toBeLessThanOrEqual(LIMITS.content);
    } finally {
      await db.close();
    }
  });

  it('GIVEN hostile text typed into any autocomplete field THEN at most 25 choices come back, each name and value at most 100 characters', async () => {
    for (const command of commands.values()) {
      if (!command.autocomplete) continue;
      const all = (command.data.options ?? []) as APIApplicationCommandOption[];
      const fields = [...all, ...all.flatMap((o) => ('options' in o && o.options ? (o.options as APIApplicationCommandOption[]) : []))].filter(
        (o) => 'autocomplete' in o && o.autocomplete,
      );
      for (const field of fields) {
        await fc.assert(
          fc.asyncProperty(hostileString, async (typed) => {
            const choices = await command.autocomplete!({ library, options: new Options({ [field.name]: typed }), focused: { name: field.name, value: typed } });
            expect(choices.length).toBeLessThanOrEqual(LIMITS.autocompleteChoices);
            for (const c of choices) {
              expect(c.name.length).toBeGreaterThan(0);
              expect(c.name.length).toBeLessThanOrEqual(LIMITS.choiceName);
              expect(String(c.value).length).toBeLessThanOrEqual(LIMITS.choiceValue);
            }
          }),
          { numRuns: RUNS },
        );
      }
    }
  });

  it('GIVEN forged button payloads THEN every button handler answers within limits without a live mention', async () => {
    const definitions = [...commands.values()].map((c) => c.data);
    for (const command of commands.values()) {
      if (!command.button) continue;
      await fc.assert(
        fc.asyncProperty(hostileString, async (payload) => {
          const ctx = {
            library,
            options: new Options({}),
            user: { id: '1', name: 'fuzz' },
            guildId: null,
            logger: silentLogger,
            commands: definitions,
            defer: async () => {},
          };
          const reply = await runCommand(command, ctx, (c) => command.button!(c, payload));
          expectWithinLimits(reply);
          expectNoLiveMentions(reply.content, payload);
        }),
        { numRuns: RUNS },
      );
    }
  });
});
