/**
 * Which Discord shards this process runs. Discord routes each server to shard
 * `(server id >> 22) % shard count`, so a process running some of the shards
 * hears from those servers only, and everything it does for servers on its own
 * (loading their libraries, posting their briefs) is limited to them.
 */
export interface ShardPlan {
  /** Total shards across every process of the deployment (SHARD_COUNT). */
  count: number;
  /** The shards this process connects (SHARD_IDS; all of them by default). */
  ids: readonly number[];
}

/** One process, one shard: what a single-machine deployment runs. */
export const SINGLE_SHARD: ShardPlan = { count: 1, ids: [0] };

/** The shard Discord sends a server's events to. */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** True when the server's events come to this process. */
export function ownsGuild(plan: ShardPlan, guildId: string): boolean {
  return plan.count === 1 || plan.ids.includes(shardOf(guildId, plan.count));
}

/**
 * SHARD_COUNT / SHARD_IDS as given, checked: ids are distinct whole numbers
 * below the count. Returns a message naming the variable when they are not.
 */
export function parseShardPlan(countValue: string | undefined, idsValue: string | undefined): ShardPlan | string {
  const count = countValue === undefined ? 1 : Number(countValue);
  if (!Number.isInteger(count) || count < 1 || count > 65_535) return 'SHARD_COUNT: must be a whole number from 1 to 65535';
  if (idsValue === undefined) return { count, ids: Array.from({ length: count }, (_, i) => i) };
  if (countValue === undefined) return 'SHARD_IDS: needs SHARD_COUNT (the total number of shards across every process)';
  const parts = idsValue.split(',').map((s) => s.trim());
  const ids = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p))) return 'SHARD_IDS: must be a comma-separated list of shard numbers, such as 0,1';
  const bad = ids.find((id) => id >= count);
  if (bad !== undefined) return `SHARD_IDS: shard ${bad} does not exist with SHARD_COUNT=${count} (shards are numbered 0 to ${count - 1})`;
  if (new Set(ids).size !== ids.length) return 'SHARD_IDS: lists a shard twice';
  return { count, ids: [...ids].sort((a, b) => a - b) };
}
