/**
 * Snowflake ids for the fake.
 *
 * Real Discord ids encode their creation time (ms since the Discord epoch, shifted left 22 bits), and
 * discord.js derives `createdTimestamp` from them. So rather than a bare counter we use the current
 * time, bumped monotonically: ids stay 19 digits, sort in creation order and give meaningful
 * `createdAt` values (a bot that measures interaction age sees a sane number).
 */
const DISCORD_EPOCH = 1420070400000n;

export class SnowflakeGen {
  private last = 1100000000000000000n;

  next(): string {
    const fromClock = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    this.last = fromClock > this.last ? fromClock : this.last + 1n;
    return this.last.toString();
  }
}

export const isSnowflake = (s: string): boolean => /^\d{17,19}$/.test(s);
