import { InvalidArgumentError, durationToMilliseconds, resolveStore, type Duration, type StoreSource } from "@stowage/core";
import { counterKey } from "./counter-key.js";
import { toPrefix } from "./options.js";
import { WindowCounters } from "./window-counters.js";

/** Options of {@link RateLimiter}: where the counters live, plus the limit and its window. */
export type RateLimiterOptions = StoreSource & {
  /** Hits allowed per window: a positive safe integer. */
  limit: number;
  /** How long a window lasts, from its first hit: a Duration (`60`, `"1m"`, `"250ms"`). */
  window: Duration;
  /** Keeps this limiter's counters apart from other limiters' in the same store. Default `""`. */
  prefix?: string;
};

/** What a hit (or a look with {@link RateLimiter.get}) finds. */
export interface RateLimitResult {
  /** Whether this hit is within the limit (`count <= limit`). */
  allowed: boolean;
  /** Hits in the current window, this one included (denied hits count too). */
  count: number;
  /** The limit. */
  limit: number;
  /** Hits left in the window: `limit - count`, never below 0. */
  remaining: number;
  /** When the window ends, from its counter's expiry in the store. */
  resetAt: Date;
}

/**
 * A fixed-window rate limiter on any Stowage store: at most `limit` hits per `window` per id,
 * exactly, across every process that shares the store.
 *
 * A window starts at an id's first hit and lasts `window`; hits inside it never extend it, and
 * every counter expires with its window, so nothing can lock a client out for good. Each hit is
 * one atomic `increment` of the counter `<window>ms:"<prefix>":<id>` in the given store itself
 * (or the registry's store `name`, default `rate_limit`); limiters with different prefixes or
 * windows never share a counter.
 */
export class RateLimiter {
  /** The limit, as given. */
  readonly limit: number;
  /** The window in milliseconds. */
  readonly windowMs: number;
  /** The prefix of this limiter's counters. */
  readonly prefix: string;
  readonly #counters: WindowCounters;
  /** The counter keys' common start: a key is it plus the id. */
  readonly #keyStart: string;

  /**
   * @throws InvalidArgumentError when `limit` is not a positive safe integer, `window` is not a
   *   valid Duration, `prefix` is not a string, or the store options are wrong (see
   *   `StoreRegistry.get` for a registry's own errors).
   */
  constructor(options: RateLimiterOptions) {
    const store = resolveStore(options, "rate_limit", "RateLimiter");
    const { limit, window, prefix } = options;
    if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidArgumentError({ argument: "limit", value: limit, expected: "a positive safe integer (hits allowed per window)" });
    }
    this.limit = limit;
    this.windowMs = durationToMilliseconds(window, "window");
    this.prefix = toPrefix(prefix);
    this.#counters = new WindowCounters(store);
    this.#keyStart = counterKey(this.prefix, this.windowMs, "");
  }

  /**
   * Counts a hit for `id` and tells whether it is allowed. Every hit counts, denied ones too, so
   * hit n of a window reports count n.
   *
   * @throws InvalidKeyError when `id` makes no valid key (an empty id is fine). Otherwise rejects
   *   with the store's own error (StoreUnavailableError, StoreClosedError...): it never allows or
   *   denies a hit it could not count.
   */
  async hit(id: string): Promise<RateLimitResult> {
    return this.#counters.hit(this.#key(id), this.windowMs, (count, resetAtMs) => this.#result({ count, resetAtMs }));
  }

  /**
   * The current window of `id` without counting a hit, or `null` when it has none. `allowed`
   * says whether the hits so far are within the limit.
   *
   * @throws as {@link RateLimiter.hit}.
   */
  async get(id: string): Promise<RateLimitResult | null> {
    const state = await this.#counters.peek(this.#key(id));
    return state === null ? null : this.#result(state);
  }

  /**
   * Takes one hit back from the current window of `id` (for requests that should not count after
   * all). Never takes the count below zero and never creates a counter, not even after the
   * window ended; resolves the new count, or `null` when `id` had no live window.
   *
   * @throws as {@link RateLimiter.hit}.
   */
  async decrement(id: string): Promise<number | null> {
    return this.#counters.decrement(this.#key(id));
  }

  /**
   * Ends the current window of `id`: its next hit starts a new one.
   *
   * @throws as {@link RateLimiter.hit}.
   */
  async reset(id: string): Promise<void> {
    return this.#counters.reset(this.#key(id));
  }

  #key(id: string): string {
    if (typeof id !== "string") throw new InvalidArgumentError({ argument: "id", value: id, expected: "a string" });
    return this.#keyStart + id;
  }

  #result({ count, resetAtMs }: { count: number; resetAtMs: number }): RateLimitResult {
    return { allowed: count <= this.limit, count, limit: this.limit, remaining: Math.max(0, this.limit - count), resetAt: new Date(resetAtMs) };
  }
}
