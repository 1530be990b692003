import type { Logger } from '../log.js';
import type { Lifecycle } from './index.js';

export interface ProcessHooksOptions {
  lifecycle: Lifecycle;
  logger: Logger;
  /** Time allowed for in-flight interactions; the whole exit stays under 10 s. */
  graceMs?: number;
  exit?: (code: number) => void;
  proc?: NodeJS.Process;
}

/**
 * SIGTERM/SIGINT: drain, close, flush logs, exit 0. A second signal exits at
 * once (an operator pressing Ctrl-C twice means it). Uncaught errors and
 * unhandled rejections are logged and survived: one bad command must not
 * take the bot down for everyone.
 */
export function installProcessHooks({ lifecycle, logger, graceMs = 8_000, exit = (c) => process.exit(c), proc = process }: ProcessHooksOptions) {
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal: exiting now');
      logger.flush();
      exit(1);
      return;
    }
    shuttingDown = true;
    logger.info({ signal, inFlight: lifecycle.active }, 'shutting down: finishing interactions in flight');
    void lifecycle.shutdown(logger, graceMs).then(({ drained }) => {
      logger.info({ drained }, 'shut down');
      // A flush callback that never fires must not keep the process alive past its budget.
      const fallback = setTimeout(() => exit(0), 1_000);
      logger.flush(() => {
        clearTimeout(fallback);
        exit(0);
      });
    });
  };
  const onUncaught = (err: Error, origin: string) => logger.error({ err, origin }, 'uncaught exception (kept running)');
  const onRejection = (reason: unknown) => logger.error({ err: reason }, 'unhandled promise rejection (kept running)');
  proc.on('SIGTERM', onSignal);
  proc.on('SIGINT', onSignal);
  proc.on('uncaughtException', onUncaught);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('SIGTERM', onSignal);
    proc.off('SIGINT', onSignal);
    proc.off('uncaughtException', onUncaught);
    proc.off('unhandledRejection', onRejection);
  };
}
