import { Events, type Client, type Guild } from 'discord.js';
import type { FeedService } from '../feeds/service.js';
import type { Logger } from '../log.js';

/**
 * Feeds follow the bot's presence in their server: removed from a server
 * (GUILD_DELETE, not an outage's "unavailable"), its feeds pause; invited
 * back (GUILD_CREATE), they resume. Once the gateway is ready, the servers
 * this process runs are compared with those it is in, so a removal while the
 * bot was down is caught too. Resolves after that first comparison: polling
 * should start only then.
 */
export async function followServerPresence(o: { client: Client; ready: Promise<void>; feeds: FeedService; logger: Logger }): Promise<void> {
  const { client, feeds, logger } = o;
  const safely = (what: string, guild: Guild, work: Promise<unknown>) => void work.catch((err: unknown) => logger.error({ err, guildId: guild.id }, what));
  // Listening first, so nothing between the gateway's READY and the comparison below is missed.
  client.on(Events.GuildDelete, (guild) => safely('feeds not paused', guild, feeds.leftServer(guild.id)));
  client.on(Events.GuildCreate, (guild) => safely('feeds not resumed', guild, feeds.joinedServer(guild.id)));
  await o.ready;
  await feeds.syncServers((guildId) => client.guilds.cache.has(guildId));
}
