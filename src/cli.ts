import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DatabaseError } from './db/index.js';
import { openDocumentMirror, type DocumentMirror } from './documents/mirror.js';
import { reportOversized } from './documents/oversized.js';
import { replyToText } from './console/render.js';
import { createSession } from './console/session.js';
import { loadEnv } from './env.js';
import { UserError } from './errors.js';
import { checkDeclaredLimits } from './interactions/definition.js';
import type { CommandModule } from './interactions/command.js';
import { loadCommands } from './interactions/registry.js';
import { DEFAULT_SEARCH_LIMIT } from '../commands/search.js';
import { createLogger, type Logger } from './log.js';
import { startLibraryServices } from './ingest/index.js';
import { verbatim } from './documents/verbatim.js';
import { openLibrary } from './store/build.js';
import { summaryLength } from './summary/index.js';
import type { Point, SearchHit } from './types.js';

const USAGE = `Usage: dossier <command> [arguments] [--guild ID] [--json]

  search <query…> [--limit N] [--document SLUG]   verbatim passages (N 1–10, default 3, as in Discord)
  search --stdin [--limit N] --json                one query per line, one JSON line per query
  quote <citation> [--context N]                    the exact passage (N 0–3 sentences around)
  topics [--document SLUG]                          topics with their points and summaries
  topic <name>                                      one topic's summary
  summary [--document SLUG] [--length short|medium|long]
  sources                                           the documents loaded
  digest [--timezone ZONE] [--since ISO] [--topics a,b]
                                                    what is new since the last brief (or --since), quoted
  ingest <file-or-url> [--title T] [--tags a,b]     add a document (same checks as /ingest): with --guild ID to that
                                                    server's library (DATA_DIR/guilds/ID), with --shared (the
                                                    default) to the shared one every server sees (DATA_DIR/ingested)
  forget <slug> --yes                               delete a document's file: with --guild ID one of that server's
                                                    own, without it a shared one (without --yes: what would go)
  feed add <url> [--backfill N] [--tags a,b]        follow an RSS, Atom or JSON feed (or a page advertising one):
                                                    new articles go to --guild ID's library (without it, the shared one)
  feed list | feed remove <id-or-url>               the feeds followed there, with their last check and last error
  feed poll [--force]                               check every due feed once (--force: every feed, now) and print what was added
  help

--guild ID answers as that Discord server sees the library (the shared documents and its own);
without it, from the shared library alone.
With --json, stdout carries exactly one JSON document (or one per line with --stdin); logs go to stderr.`;

const cite = (p: Point) => ({ citation: p.citation, text: p.text });

function write(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}


function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      stdin: { type: 'boolean' },
      limit: { type: 'string' },
      document: { type: 'string' },
      context: { type: 'string' },
      length: { type: 'string' },
      timezone: { type: 'string' },
      topics: { type: 'string' },
      since: { type: 'string' },
      title: { type: 'string' },
      tags: { type: 'string' },
      backfill: { type: 'string' },
      force: { type: 'boolean' },
      yes: { type: 'boolean' },
      guild: { type: 'string' },
      shared: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

type Flags = ReturnType<typeof parseFlags>['values'];

async function main(argv: string[]): Promise<number> {
  loadEnv();
  const { values: flags, positionals } = parseFlags(argv);
  const [command, ...rest] = positionals;
  if (!command || flags.help || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command || flags.help ? 0 : 2;
  }
  const config = loadConfig();
  const logger = createLogger({ level: process.env.LOG_LEVEL?.trim() || 'warn', pretty: false, fd: 2 });
  if (flags.guild !== undefined && !/^\d{17,20}$/.test(flags.guild)) throw new UserError('--guild takes a Discord server id (17–20 digits).');
  if (flags.guild !== undefined && flags.shared) throw new UserError('Give --guild ID or --shared, not both.');
  const arg = rest.join(' ').trim();
  const commands = await loadCommands();
  const values: Record<string, string | undefined> = { document: flags.document, length: flags.length, context: flags.context, limit: flags.limit };
  if (command === 'search') values.query = arg;
  if (command === 'quote') values.citation = arg;
  if (command === 'topic') values.name = arg;
  // The limits the command declares to Discord hold here too (query length, --limit, --context), checked before the library loads.
  const definition = commands.get(command)?.data;
  if (definition) checkDeclaredLimits(definition, values);
  // With DATABASE_URL the database holds the documents: this folder is brought in step first, and an ingest is recorded there.
  const mirror = config.database.kind === 'postgres' ? await openDocumentMirror(config.database, config.dataDir, logger, config.ingest.maxBytes) : undefined;
  try {
    return await run({ command, rest, arg, flags, values, commands, definition }, config, logger, mirror);
  } finally {
    await mirror?.close();
  }
}

/** The command line, parsed and checked against the command's declared limits. */
interface Invocation {
  command: string;
  rest: string[];
  arg: string;
  flags: Flags;
  values: Record<string, string | undefined>;
  commands: Map<string, CommandModule>;
  definition: CommandModule['data'] | undefined;
}

async function run({ command, rest, arg, flags, values, commands, definition }: Invocation, config: Config, logger: Logger, mirror: DocumentMirror | undefined): Promise<number> {
  await reportOversized(config.dataDir, config.ingest.maxBytes, logger);
  const shared = await openLibrary(config.dataDir, { logger, maxBytes: config.ingest.maxBytes, indexDir: config.indexDir, complete: true });
  const { libraries } = await startLibraryServices(shared, { dataDir: config.dataDir, ...config.ingest, analystRoleId: config.analystRoleId, recorder: mirror }, { logger });
  const scope = flags.guild ? await libraries.server(flags.guild) : libraries.shared;
  const library = scope.library();

  if (command === 'ingest') {
    if (!arg) throw new UserError('Give a file path or an http(s) link: dossier ingest <file-or-url> [--guild ID | --shared] [--title T] [--tags a,b].');
    const { ingestFromCli } = await import('./ingest/cli.js');
    await ingestFromCli(arg, scope.ingest, { title: flags.title, tags: flags.tags, json: flags.json, write: (text) => process.stdout.write(`${text}\n`) });
    return 0;
  }

  if (command === 'forget') {
    if (!arg) throw new UserError('Name the document to remove: dossier forget <slug> --yes [--guild ID].');
    const doc = library.requireDoc(arg);
    if (!flags.yes) {
      // As /forget asks before deleting, so does this; a script passes --yes.
      process.stderr.write(`This would delete ${doc.meta.title} (${doc.slug}, file ${doc.path}) and its citations would stop working. Run again with --yes to remove it.\n`);
      return 2;
    }
    const gone = await scope.ingest.forget(doc.slug);
    if (flags.json) write({ removed: gone.slug, title: gone.meta.title, path: gone.path });
    else process.stdout.write(`Removed ${gone.meta.title} (${gone.slug}): its file ${gone.path} is deleted.\n`);
    return 0;
  }

  if (command === 'digest') {
    const { printDigest } = await import('./digest/cli.js');
    await printDigest(async () => library, {
      guildId: scope.guildId,
      json: flags.json,
      timezone: flags.timezone,
      since: flags.since,
      topics: flags.topics,
      database: config.database,
      write: (text) => process.stdout.write(`${flags.json ? text : replyToText({ content: text }, { interactive: false })}\n`),
    });
    return 0;
  }
  if (command === 'feed') {
    const [sub, ...target] = rest;
    const { openDatabase, DatabaseError } = await import('./db/index.js');
    const { createFeedService } = await import('./feeds/index.js');
    const { feedFromCli } = await import('./feeds/cli.js');
    const database = await openDatabase(config.database).catch((err: unknown) => {
      throw err instanceof DatabaseError ? new UserError(err.message) : err;
    });
    try {
      const feeds = createFeedService({ database, libraries, settings: { dataDir: config.dataDir, ...config.ingest }, feeds: config.feeds, logger });
      await feedFromCli(sub, target.join(' ').trim(), feeds, {
        guildId: flags.guild ?? null,
        json: flags.json,
        tags: flags.tags,
        backfill: flags.backfill,
        force: flags.force,
        write: (text) => process.stdout.write(`${text}\n`),
      });
    } finally {
      await database.close();
    }
    return 0;
  }
  if (!flags.json) {
    const session = createSession(() => scope, commands, logger);
    const reply = await session.run(command, values);
    (reply.ephemeral ? process.stderr : process.stdout).write(`${replyToText(reply, { interactive: false })}\n`);
    return reply.ephemeral ? 1 : 0;
  }

  const hitJson = (h: SearchHit) => {
    const doc = library.doc(h.point.doc)!;
    return { citation: h.point.citation, text: h.point.text, document: doc.slug, title: doc.meta.title, score: Number(h.score.toFixed(4)) };
  };
  switch (command) {
    case 'search': {
      const limit = flags.limit === undefined ? DEFAULT_SEARCH_LIMIT : Number(flags.limit);
      if (flags.stdin) {
        // One line in, one flushed line out, in order: others can time it the same way.
        for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
          const started = performance.now();
          let results: ReturnType<typeof hitJson>[] = [];
          let error: string | undefined;
          try {
            checkDeclaredLimits(definition!, { query: line });
            results = library.search(line, { limit, document: flags.document }).hits.map(hitJson);
          } catch (err) {
            if (!(err instanceof UserError)) throw err;
            error = err.message;
          }
          const ms = Number((performance.now() - started).toFixed(3));
          write(error ? { query: line, results, ms, error } : { query: line, results, ms });
        }
        return 0;
      }
      const result = library.search(arg, { limit, document: flags.document });
      write({ results: result.hits.map(hitJson) });
      return 0;
    }
    case 'quote': {
      if (!arg) throw new UserError('quote needs a citation, e.g. `dossier quote putin-sharif-sco#p3.s2 --json`.');
      const context = flags.context === undefined ? 0 : Number(flags.context);
      const q = await verbatim(library.quote(arg, context), context, logger);
      write({
        citation: q.point.citation,
        text: q.point.text,
        document: q.doc.slug,
        title: q.doc.meta.title,
        ...(q.before.length || q.after.length ? { before: q.before.map(cite), after: q.after.map(cite) } : {}),
      });
      return 0;
    }
    case 'topics':
      write({ topics: library.topicsFor(flags.document).map((t) => ({ name: t.name, points: t.points.map(cite), summary: t.summary.map(cite) })) });
      return 0;
    case 'topic': {
      const t = library.topic(arg);
      write({ name: t.name, points: t.points.map(cite), summary: t.summary.map(cite) });
      return 0;
    }
    case 'summary': {
      write({ summary: library.summary(flags.document, summaryLength(flags.length ?? 'medium')).map(cite) });
      return 0;
    }
    case 'sources':
      write({
        documents: library.sources().map(({ doc, paragraphs, sentences }) => ({ slug: doc.slug, title: doc.meta.title, source: doc.meta.source ?? null, paragraphs, sentences })),
      });
      return 0;
    default:
      throw new UserError(`Unknown command "${command}".\n${USAGE}`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UserError || err instanceof ConfigError || err instanceof DatabaseError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`dossier: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 70;
  }
}
