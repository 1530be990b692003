import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Structured JSON (production) or human-readable lines (development). */
  pretty?: boolean;
  /** File descriptor to write to: the CLI keeps stdout for its output, so logs go to stderr (2). */
  fd?: 1 | 2;
  /** Exact strings (the bot token) scrubbed from every line, wherever they hide: error messages, URLs, nested objects. */
  secrets?: readonly (string | undefined)[];
}

/**
 * One logger factory for every entry point. Secrets are redacted here so no
 * code path can forget to.
 */
export function createLogger({ level = 'info', pretty = false, fd = 1, secrets = [] }: LoggerOptions = {}): Logger {
  const redact = {
    paths: [
      'token', '*.token', 'discordToken', '*.discordToken', 'config.discordToken',
      'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
      'DISCORD_TOKEN', '*.DISCORD_TOKEN',
    ],
    censor: '[redacted]',
  };
  const scrub = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  const hooks = scrub.length ? { hooks: { streamWrite: (line: string) => scrub.reduce((out, s) => out.split(s).join('[redacted]'), line) } } : {};
  if (pretty) {
    return pino({
      level,
      redact,
      ...hooks,
      transport: { target: 'pino-pretty', options: { destination: fd, colorize: process.stderr.isTTY, ignore: 'pid,hostname' } },
    });
  }
  return pino({ level, redact, ...hooks }, pino.destination({ fd, sync: fd === 2 }));
}

/** A logger that drops everything: for tests and library callers that do not care. */
export const silentLogger: Logger = pino({ level: 'silent' });
