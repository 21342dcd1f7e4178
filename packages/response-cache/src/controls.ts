import type { Store } from "@stowage/core";
import type { ResponseCache } from "./response-cache.js";

/** What a framework's response-cache middleware carries besides being middleware. */
export interface ResponseCacheControls {
  /** The store holding this cache's entries. */
  readonly store: Store;
  /** Drops one URL's stored responses; see {@link ResponseCache.invalidate}. */
  invalidate(url: string, options?: { method?: string }): Promise<void>;
  /** Drops the stored responses of a key the `key` option returns. */
  invalidateKey(key: string): Promise<void>;
  /** Drops every stored response (`deleteAll` on the cache's store). */
  deleteAll(): Promise<void>;
}

/** `middleware` with `cache`'s {@link ResponseCacheControls} attached. */
export function withControls<Middleware extends object, Request>(middleware: Middleware, cache: ResponseCache<Request>): Middleware & ResponseCacheControls {
  return Object.assign(middleware, {
    store: cache.store,
    invalidate: (url: string, options?: { method?: string }) => cache.invalidate(url, options),
    invalidateKey: (key: string) => cache.invalidateKey(key),
    deleteAll: () => cache.deleteAll(),
  });
}
