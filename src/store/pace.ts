/**
 * Long jobs on the main thread (loading a snapshot, handing over a worker's
 * build) run in slices of a few milliseconds: a slice plus a garbage
 * collection that lands in it must stay well under the 50 ms a user would feel.
 * Counting items per slice is not enough: the same count takes 5 ms warm and
 * 40 ms before the JIT has compiled the loop.
 */
export interface Pacer {
  /** True once this slice has used its budget. */
  readonly due: () => boolean;
  /** Yields to the event loop and starts a new slice. */
  readonly pause: () => Promise<void>;
}

export function pacer(budgetMs = 4): Pacer {
  let since = performance.now();
  return {
    due: () => performance.now() - since >= budgetMs,
    pause: async () => {
      // A timer rather than setImmediate: it gives up the core for a moment
      // (a build worker keeps the other one busy), time the garbage
      // collector's concurrent marking can use.
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
      since = performance.now();
    },
  };
}
