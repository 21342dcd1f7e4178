export { responseCache, type ExpressResponseCache, type ExpressResponseCacheOptions } from "./express.js";
export { honoResponseCache, type HonoResponseCache, type HonoResponseCacheOptions } from "./hono.js";
export { ResponseCache, type Capture, type Lookup } from "./response-cache.js";
export type { ResponseCacheOptions, ResponseCacheCommonOptions, ResponseCacheStoreOptions, ResponseCacheLockOptions } from "./options.js";
export { reportWithWarning, type ResponseCacheErrorContext, type ResponseCacheErrorHandler } from "./report-error.js";
export type { CacheRequest } from "./request-key.js";
export type { CachedResponse } from "./entry.js";
export { replayHeaders } from "./replay.js";
export type { HeaderPair } from "./cacheability.js";
