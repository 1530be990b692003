/**
 * A map that reads through to the one it extends: a library derived by
 * additions (a server's view of the shared library) looks its own documents
 * up here and everything else in its base, without copying the base's
 * entries. Chains are kept short by copying once they grow deep.
 */
export class Overlay<K, V> {
  private readonly own = new Map<K, V>();
  private readonly base: Readable<K, V> | undefined;

  constructor(base?: Readable<K, V>) {
    if (base && depthOf(base) >= MAX_DEPTH) {
      for (const [k, v] of base.entries()) this.own.set(k, v);
      return;
    }
    this.base = base;
  }

  get depth(): number {
    return this.base ? depthOf(this.base) + 1 : 0;
  }

  get(key: K): V | undefined {
    const v = this.own.get(key);
    return v !== undefined || !this.base ? v : this.base.get(key);
  }

  set(key: K, value: V): this {
    this.own.set(key, value);
    return this;
  }

  /** Every entry, own ones winning over the base's. */
  *entries(): IterableIterator<[K, V]> {
    if (this.base) for (const [k, v] of this.base.entries()) if (!this.own.has(k)) yield [k, v];
    yield* this.own.entries();
  }
}

/** What an overlay may extend: a Map or another overlay. */
export interface Readable<K, V> {
  get(key: K): V | undefined;
  entries(): IterableIterator<[K, V]>;
}

const depthOf = (m: Readable<unknown, unknown>) => (m instanceof Overlay ? m.depth : 0);

/** Layers before a copy: each lookup costs at most this many map reads more. */
const MAX_DEPTH = 4;
