import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Structured JSON (production) or human-readable lines (development). */
  pretty?: boolean;
  /** File descriptor to write to: the CLI keeps stdout for its output, so logs go to stderr (2). */
  fd?: 1 | 2;
}

/**
 * One logger factory for every entry point. Secrets are redacted here so no
 * code path can forget to.
 */
export function createLogger({ level = 'info', pretty = false, fd = 1 }: LoggerOptions = {}): Logger {
  const redact = {
    paths: ['token', '*.token', 'config.discordToken', 'headers.authorization', '*.headers.authorization', 'DISCORD_TOKEN'],
    censor: '[redacted]',
  };
  if (pretty) {
    return pino({
      level,
      redact,
      transport: { target: 'pino-pretty', options: { destination: fd, colorize: process.stderr.isTTY, ignore: 'pid,hostname' } },
    });
  }
  return pino({ level, redact }, pino.destination({ fd, sync: fd === 2 }));
}

/** A logger that drops everything: for tests and library callers that do not care. */
export const silentLogger: Logger = pino({ level: 'silent' });
