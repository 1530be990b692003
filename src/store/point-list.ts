import type { Point } from '../types.js';

/**
 * Points by id, where a library derived by additions reads its base's points
 * in place rather than copying them. A server's view of a large shared
 * library is the shared points plus its own few: copying the shared array
 * into every view cost megabytes per server and capped how many servers one
 * process could hold.
 *
 * Lists stay shallow: extending a list whose top layer is smaller than what
 * lies beneath copies only that top layer, so a view that keeps growing is
 * still the shared array plus one array of its own.
 */
export class PointList implements Iterable<Point> {
  readonly length: number;

  private constructor(
    private readonly below: PointList | undefined,
    /** This layer's points: ids `from` … `from + own.length − 1`. */
    private readonly own: readonly Point[],
  ) {
    this.length = (below?.length ?? 0) + own.length;
  }

  static of(points: readonly Point[] | PointList): PointList {
    return points instanceof PointList ? points : new PointList(undefined, points);
  }

  private get from(): number {
    return this.below?.length ?? 0;
  }

  at(i: number): Point | undefined {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let list: PointList | undefined = this;
    while (list) {
      const from = list.from;
      if (i >= from) return list.own[i - from];
      list = list.below;
    }
    return undefined;
  }

  /** This list followed by `added` (the base is shared, not copied). */
  concat(added: readonly Point[]): PointList {
    if (added.length === 0) return this;
    if (this.below && this.own.length <= this.below.length) return new PointList(this.below, this.own.concat(added));
    return new PointList(this, added);
  }

  *[Symbol.iterator](): Iterator<Point> {
    if (this.below) yield* this.below;
    yield* this.own;
  }

  filter(keep: (p: Point) => boolean): Point[] {
    const out: Point[] = [];
    for (const p of this) if (keep(p)) out.push(p);
    return out;
  }

  map<T>(f: (p: Point) => T): T[] {
    const out: T[] = [];
    for (const p of this) out.push(f(p));
    return out;
  }

  /** A plain array of every point (a copy when layered: for rare, whole-library work). */
  toArray(): readonly Point[] {
    return this.below ? [...this] : this.own;
  }

  /** Layers beneath this one (0 for a plain list). */
  get depth(): number {
    return this.below ? this.below.depth + 1 : 0;
  }
}
