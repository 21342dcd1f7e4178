import { decodeCounter, type Store } from "@stowage/core";

/** A counter's state: how many hits its window holds, and when the window ends (epoch ms). */
export interface WindowState {
  count: number;
  resetAtMs: number;
}

/**
 * The expiry of the entry a decrement creates when the counter ended between its read and its
 * increment: the shortest a store keeps, so the entry is gone at once (see `decrement`).
 */
const TRANSIENT_SECONDS = 0.001;

/**
 * Fixed-window counters in one store: the whole rate-limiting algorithm, shared by
 * `RateLimiter` and the framework stores.
 *
 * A window is anchored at its first hit: `increment(key, { expiresIn: window })` creates the
 * counter with the window as its expiry, and later hits never extend it (the contract keeps a
 * live entry's expiry exactly). Each hit is one atomic `increment`, so a limit holds exactly
 * across processes. The window's end comes from the counter's real expiry, read on every hit:
 * `expiresIn` is asked in the same tick as the `increment` (pipelined on Redis and Valkey: both
 * leave before either reply, one round trip), so a reset or a new window made by another process
 * is always reported as it is.
 */
export class WindowCounters {
  readonly #store: Store;
  #lastOptions: { windowMs: number; options: { expiresIn: number } } | undefined;

  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * Counts one hit on `key`, creating its counter with a window of `windowMs` if none is live,
   * and resolves what `shape` makes of the count and the window's end (shaping here saves the
   * caller a promise step on every hit).
   */
  hit<T>(key: string, windowMs: number, shape: (count: number, resetAtMs: number) => T): Promise<T> {
    const options = this.#incrementOptions(windowMs);
    // Both calls in one tick: the Redis-protocol stores send them on one connection, in this
    // order, without waiting for the first reply.
    const sent = Date.now();
    return Promise.all([this.#store.increment(key, options), this.#store.expiresIn(key)]).then(([count, seconds]) => {
      // A store that does not keep the order of concurrent calls (the file store) may have read
      // before the increment: nothing yet (null), or a previous window that ended before the
      // increment started this one (so it had no more time left than the pair took). Read again
      // after the increment then; it costs a read only when a window ends around a hit.
      if (seconds === null || seconds * 1_000 <= Date.now() - sent) {
        return this.#store.expiresIn(key).then((again) => windowEnd(count, again, shape));
      }
      return windowEnd(count, seconds, shape);
    });
  }

  /** The live counter of `key`, or null when there is none. */
  async peek(key: string): Promise<WindowState | null> {
    const [bytes, seconds] = await Promise.all([this.#store.get(key), this.#store.expiresIn(key)]);
    if (bytes === null || seconds === null) return null;
    return { count: Math.max(0, decodeCounter(bytes, key)), resetAtMs: Date.now() + seconds * 1_000 };
  }

  /**
   * Takes one hit back from the live counter of `key`, never below zero, and never creating a
   * counter; resolves the new count, or null when there was no live counter (nothing changed).
   *
   * The contract has no "decrement if present", so: read the counter; when it is live and above
   * zero, increment it by -1 with a 1 ms `expiresIn` (a live counter keeps its own expiry). If the
   * counter ended between the read and the increment, that increment created an entry of -1 that
   * lives 1 ms; if concurrent decrements took the counter to 0 first, it holds -1 for the rest of
   * its window. Either way the result is below zero and one increment by +1 (again with 1 ms)
   * undoes it. So no entry outlives 1 ms where there was no live counter, and a count never stays
   * below zero; the one trace of the race is that a hit on the same id within that millisecond
   * lands in the transient entry and its window ends with it.
   */
  async decrement(key: string): Promise<number | null> {
    const bytes = await this.#store.get(key);
    if (bytes === null) return null;
    if (decodeCounter(bytes, key) <= 0) return 0;
    let count = await this.#store.increment(key, { by: -1, expiresIn: TRANSIENT_SECONDS });
    if (count < 0) {
      await this.#store.increment(key, { by: 1, expiresIn: TRANSIENT_SECONDS });
      count = 0;
    }
    return count;
  }

  /** Deletes the counter of `key`: its next hit starts a new window. */
  async reset(key: string): Promise<void> {
    await this.#store.delete(key);
  }

  /** The options of a hit's increment, made once per window length in a row. */
  #incrementOptions(windowMs: number): { expiresIn: number } {
    if (this.#lastOptions?.windowMs !== windowMs) this.#lastOptions = { windowMs, options: { expiresIn: windowMs / 1_000 } };
    return this.#lastOptions.options;
  }
}

/** What `shape` makes of a hit's count and the counter's seconds left (null: it ended at once). */
function windowEnd<T>(count: number, seconds: number | null, shape: (count: number, resetAtMs: number) => T): T {
  const now = Date.now();
  // No expiry left: the counter ended (or was reset) right after this hit, so its window is over.
  return shape(atLeastOne(count), seconds === null ? now : now + seconds * 1_000);
}

/** A hit counts itself: below 1 only when it landed in a decrement's transient entry (see `decrement`). */
function atLeastOne(count: number): number {
  return Math.max(1, count);
}
