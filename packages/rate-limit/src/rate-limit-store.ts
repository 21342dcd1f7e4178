import { InvalidArgumentError, StoreConfigurationError, durationToMilliseconds, resolveStore, type StoreSource } from "@stowage/core";
import { counterKey } from "./counter-key.js";
import { isProcessLocal, toPrefix } from "./options.js";
import { WindowCounters } from "./window-counters.js";

/** Options of {@link RateLimitStore}: where the counters live, and a prefix. */
export type RateLimitStoreOptions = StoreSource & {
  /**
   * Keeps this limiter's counters apart from other limiters' in the same store; give each
   * limiter that counts the same requests its own. Default `""`.
   */
  prefix?: string;
  /**
   * Tells express-rate-limit whether counters are this process's own. Default: true over a
   * `MemoryStore` (or a namespace of one), false for every other store.
   */
  localKeys?: boolean;
};

/** A client's hits and window end, as express-rate-limit and hono-rate-limiter read them. */
export interface ClientRateLimitInfo {
  totalHits: number;
  resetTime: Date | undefined;
}

function toClientInfo(count: number, resetAtMs: number): ClientRateLimitInfo {
  return { totalHits: count, resetTime: new Date(resetAtMs) };
}

/**
 * An express-rate-limit `Store` (and a hono-rate-limiter one: the interface is the same) on any
 * Stowage store: `rateLimit({ windowMs, limit, store: new RateLimitStore({ registry }) })`.
 *
 * The window comes from the middleware's `windowMs` (passed to `init`). Counting is
 * `RateLimiter`'s: a fixed window from the first hit, one atomic `increment` per request, exact
 * across processes, every counter expiring with its window, `resetTime` from the counter's real
 * expiry. `decrement` (used by `skipSuccessfulRequests` / `skipFailedRequests`) never goes below
 * zero and never creates a counter. There is no `resetAll`: it would have to list the whole store
 * (use `deleteAll` on a store dedicated to the limiter instead).
 *
 * A store error rejects the middleware's call: express-rate-limit then fails closed (the error
 * goes to Express's error handler) unless `passOnStoreError: true`; hono-rate-limiter always
 * fails closed (see the package README for failing open).
 */
export class RateLimitStore {
  /** The prefix of this store's counters (express-rate-limit reads it in its double-count check). */
  readonly prefix: string;
  /** Whether the counters are this process's own (true over a MemoryStore). */
  readonly localKeys: boolean;
  readonly #counters: WindowCounters;
  #windowMs: number | undefined;
  /** The counter keys' common start for this prefix and window: a key is it plus the client's key. */
  #keyStart: string | undefined;

  /**
   * @throws InvalidArgumentError when the store options or `prefix` are wrong (see
   *   `StoreRegistry.get` for a registry's own errors).
   */
  constructor(options: RateLimitStoreOptions) {
    const store = resolveStore(options, "rate_limit", "RateLimitStore");
    this.prefix = toPrefix(options.prefix);
    this.localKeys = typeof options.localKeys === "boolean" ? options.localKeys : isProcessLocal(store);
    this.#counters = new WindowCounters(store);
  }

  /**
   * Takes the window from the middleware's options; the middleware calls it once.
   *
   * @throws InvalidArgumentError when `windowMs` is not a valid window.
   */
  init(options: { windowMs: number }): void {
    this.#windowMs = durationToMilliseconds(options.windowMs / 1_000, "windowMs");
    this.#keyStart = counterKey(this.prefix, this.#windowMs, "");
  }

  /**
   * Counts a request of client `key`.
   *
   * @throws StoreConfigurationError before `init`; otherwise the store's own error.
   */
  increment(key: string): Promise<ClientRateLimitInfo> {
    try {
      return this.#counters.hit(this.#key(key), this.#windowMs!, toClientInfo);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Takes one request of `key` back: never below zero, never creating a counter.
   *
   * @throws StoreConfigurationError before `init`; otherwise the store's own error.
   */
  async decrement(key: string): Promise<void> {
    await this.#counters.decrement(this.#key(key));
  }

  /**
   * Ends the current window of `key`.
   *
   * @throws StoreConfigurationError before `init`; otherwise the store's own error.
   */
  async resetKey(key: string): Promise<void> {
    await this.#counters.reset(this.#key(key));
  }

  /**
   * The hits and window end of `key`, or `undefined` when it has no live window.
   *
   * @throws StoreConfigurationError before `init`; otherwise the store's own error.
   */
  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const state = await this.#counters.peek(this.#key(key));
    return state === null ? undefined : { totalHits: state.count, resetTime: new Date(state.resetAtMs) };
  }

  /** The counter key of client `key`. */
  #key(key: string): string {
    if (this.#keyStart === undefined) {
      throw new StoreConfigurationError("RateLimitStore was used before init(): pass it as the store option of rateLimit() / rateLimiter(), which calls init with windowMs.");
    }
    if (typeof key !== "string") throw new InvalidArgumentError({ argument: "key", value: key, expected: "a string" });
    return this.#keyStart + key;
  }
}
