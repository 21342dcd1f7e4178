import { StoreConfigurationError, durationToMilliseconds, resolveStore, type StoreSource } from "@stowage/core";
import { counterKey } from "./counter-key.js";
import { toPrefix } from "./options.js";
import { WindowCounters } from "./window-counters.js";

/** Options of {@link fastifyRateLimitStore}: where the counters live, and a prefix. */
export type FastifyRateLimitStoreOptions = StoreSource & {
  /** Keeps these counters apart from other limiters' in the same store. Default `""`. */
  prefix?: string;
};

/** What @fastify/rate-limit's `incr` and `read` report: hits in the window and milliseconds left. */
export interface FastifyRateLimitState {
  current: number;
  ttl: number;
}

/** The callback @fastify/rate-limit passes to `incr` and `read`. */
export type FastifyRateLimitCallback = (error: Error | null, result?: FastifyRateLimitState) => void;

/** The part of the options @fastify/rate-limit constructs a store with, and passes to `child`, that the store reads. */
export interface FastifyRateLimitParams {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  routeInfo?: { method?: unknown; url?: unknown };
}

/** A store @fastify/rate-limit constructs from its `store` option. */
export interface FastifyRateLimitStore {
  incr(key: string, callback: FastifyRateLimitCallback, timeWindow: number, max?: number): void;
  read(key: string, callback: FastifyRateLimitCallback, timeWindow: number, max?: number): void;
  /** A store for one route's own config (`routeOptions` as @fastify/rate-limit passes it, see {@link FastifyRateLimitParams}). */
  child(routeOptions: object): FastifyRateLimitStore;
}

/** The class @fastify/rate-limit's `store` option takes. */
export type FastifyRateLimitStoreClass = new (params: object) => FastifyRateLimitStore;

/**
 * The class to pass as @fastify/rate-limit's `store` option, counting in a Stowage store:
 * `fastify.register(rateLimit, { max, timeWindow, store: fastifyRateLimitStore({ registry }) })`.
 *
 * Counting is `RateLimiter`'s: a fixed window from the first hit (`timeWindow` of the request's
 * route), one atomic `increment` per request, exact across processes, every counter expiring
 * with its window, `ttl` from the counter's real expiry. Each route with its own `rateLimit`
 * config gets a `child` that counts on its own (its counters are prefixed by the route's method
 * and URL, so the same route shares its counters across processes); children made without a
 * route (`fastify.rateLimit(options)`) share one prefix, as with @fastify/rate-limit's Redis
 * store, so tell them apart with `groupId` or the key.
 *
 * A store error goes to @fastify/rate-limit: it fails closed (the request fails with the error)
 * unless `skipOnError: true`, which lets the request through without a word.
 *
 * @throws InvalidArgumentError when the options are wrong; the class's constructor and `child`
 *   throw StoreConfigurationError for `continueExceeding` or `exponentialBackoff`, which extend
 *   a window and so cannot be a fixed window.
 */
export function fastifyRateLimitStore(options: FastifyRateLimitStoreOptions): FastifyRateLimitStoreClass {
  const counters = new WindowCounters(resolveStore(options, "rate_limit", "fastifyRateLimitStore"));
  const basePrefix = toPrefix(options.prefix);

  class StowageFastifyRateLimitStore implements FastifyRateLimitStore {
    readonly #prefix: string;

    constructor(params: object, prefix = basePrefix) {
      const { continueExceeding, exponentialBackoff } = (params ?? {}) as FastifyRateLimitParams;
      if (continueExceeding === true || exponentialBackoff === true) {
        throw new StoreConfigurationError(
          "fastifyRateLimitStore keeps fixed windows: continueExceeding and exponentialBackoff would extend them. Leave both off, or use @fastify/rate-limit's own stores for them.",
        );
      }
      this.#prefix = prefix;
    }

    incr(key: string, callback: FastifyRateLimitCallback, timeWindow: number): void {
      settle(callback, async () => {
        const windowMs = durationToMilliseconds(timeWindow / 1_000, "timeWindow");
        return counters.hit(counterKey(this.#prefix, windowMs, key), windowMs, (count, resetAtMs) => ({ current: count, ttl: Math.max(0, resetAtMs - Date.now()) }));
      });
    }

    read(key: string, callback: FastifyRateLimitCallback, timeWindow: number): void {
      settle(callback, async () => {
        const windowMs = durationToMilliseconds(timeWindow / 1_000, "timeWindow");
        const state = await counters.peek(counterKey(this.#prefix, windowMs, key));
        return state === null ? { current: 0, ttl: 0 } : { current: state.count, ttl: Math.max(0, state.resetAtMs - Date.now()) };
      });
    }

    child(routeOptions: object): FastifyRateLimitStore {
      const route = (routeOptions as FastifyRateLimitParams | undefined)?.routeInfo ?? {};
      return new StowageFastifyRateLimitStore(routeOptions, `${this.#prefix}${JSON.stringify([route.method ?? null, route.url ?? null])}`);
    }
  }
  return StowageFastifyRateLimitStore;
}

/**
 * Hands the outcome of `operation` to fastify's callback, on a tick of its own: an exception the
 * callback throws then surfaces as itself instead of becoming an unhandled rejection here.
 */
function settle(callback: FastifyRateLimitCallback, operation: () => Promise<FastifyRateLimitState>): void {
  operation().then(
    (state) => process.nextTick(callback, null, state),
    (error: unknown) => process.nextTick(callback, error instanceof Error ? error : new Error(String(error))),
  );
}
