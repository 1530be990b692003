import { Cooldowns } from '../abuse/cooldown.js';
import type { Config } from '../config.js';
import type { CommandModule } from '../interactions/command.js';
import type { Library } from '../library.js';
import type { Lifecycle } from '../lifecycle/index.js';
import type { Logger } from '../log.js';
import { startHealthServer, type ReadinessCheck } from '../observability/health.js';
import { trackIndexSize } from '../observability/metrics.js';
import { startBot, type Bot } from './bot.js';

export interface ServiceOptions {
  config: Pick<Config, 'apiUrl' | 'health' | 'cooldowns'> & Partial<Pick<Config, 'shards'>>;
  token: string;
  /** The shared library, for the index-size metrics and readiness. */
  getLibrary: () => Library;
  /** Each interaction's library (see InteractionDeps). */
  libraries: Parameters<typeof startBot>[0]['libraries'];
  commands: ReadonlyMap<string, CommandModule>;
  logger: Logger;
  lifecycle: Lifecycle;
  /** Extra readiness conditions (a writable database, …) next to the gateway and the library. */
  checks?: ReadinessCheck[];
  ws?: Parameters<typeof startBot>[0]['ws'];
  services?: Parameters<typeof startBot>[0]['services'];
  /** While the library loads: the answer to every interaction; `/readyz` says not ready meanwhile. */
  loading?: Parameters<typeof startBot>[0]['loading'];
}

/**
 * The long-running bot: gateway client, cooldowns, optional health server,
 * all registered with the lifecycle so SIGTERM drains and closes them.
 */
export async function startService(opts: ServiceOptions): Promise<{ bot: Bot; healthUrl?: string }> {
  const { config, getLibrary, logger, lifecycle } = opts;
  const loaded = () => opts.loading?.() === undefined;
  trackIndexSize(() => {
    if (!loaded()) return { documents: 0, points: 0 };
    const library = getLibrary();
    return { documents: library.docs.length, points: library.points.length };
  });
  const cooldowns = new Cooldowns(config.cooldowns);
  const bot = await startBot({ token: opts.token, apiUrl: config.apiUrl, libraries: opts.libraries, commands: opts.commands, logger, lifecycle, cooldowns, ws: opts.ws, shards: config.shards, services: opts.services, loading: opts.loading });
  lifecycle.onClose({ name: 'discord', close: () => bot.stop() });
  if (!config.health) return { bot };
  const health = await startHealthServer({
    port: config.health.port,
    host: config.health.host,
    logger,
    checks: [
      { name: 'gateway', check: () => ({ ok: bot.client.isReady() && lifecycle.accepting, detail: lifecycle.accepting ? undefined : 'shutting down' }) },
      { name: 'library', check: () => (loaded() ? { ok: true, detail: `${getLibrary().docs.length} documents` } : { ok: false, detail: 'loading' }) },
      ...(opts.checks ?? []),
    ],
  });
  // Registered after the client, so it closes first: /readyz goes away before the gateway does.
  lifecycle.onClose({ name: 'health', close: () => health.close() });
  return { bot, healthUrl: health.url };
}
