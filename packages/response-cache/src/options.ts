import { InvalidArgumentError, durationToMilliseconds, resolveStore, type Duration, type Store, type StoreSource } from "@stowage/core";
import type { CacheabilityRules } from "./cacheability.js";
import { reportWithWarning, type ResponseCacheErrorHandler } from "./report-error.js";

/** Options of the cross-process lock (see {@link ResponseCacheCommonOptions.lock}). */
export interface ResponseCacheLockOptions {
  /** How long a process may hold the lock before others stop waiting for it. Default `"10s"`. */
  expiresIn?: Duration;
  /** How long another process waits for the holder's response before running the handler itself. Default `"3s"`. */
  wait?: Duration;
  /** How often a waiting process looks for the holder's response. Default `"50ms"`. */
  pollInterval?: Duration;
}

/** Options every response cache takes, whatever the framework; `Request` is what `key` receives. */
export interface ResponseCacheCommonOptions<Request> {
  /** How long a stored response is served. Default 60 seconds. */
  expiresIn?: Duration;
  /**
   * The key of a request, replacing the default (method, host, path, sorted query). Map a HEAD
   * request to its GET's key, as the default does, or HEAD is never answered from the cache. The
   * response's `Vary` headers are still added to whatever it returns.
   */
  key?: (request: Request) => string;
  /** Receives every store failure; the request is served anyway. Default: a process warning. */
  onError?: ResponseCacheErrorHandler;
  /** Methods whose responses are cached. Default `["GET", "HEAD"]`; HEAD is answered from the GET entry. */
  methods?: readonly string[];
  /** Statuses that are stored. Default `[200]`; 206 and 304 answer a particular request and are refused. */
  statuses?: readonly number[];
  /** Answer and store requests that carry `Authorization` (shared between every user!). Default `false`. */
  cacheAuthorized?: boolean;
  /** Store responses with `Set-Cookie` (the cookie is replayed to every client). Default `false`. */
  cacheSetCookie?: boolean;
  /** Store responses with `Cache-Control: private`. Default `false`. */
  cachePrivate?: boolean;
  /** Store responses with `Cache-Control: no-store` or `no-cache`. Default `false`. */
  cacheNoStore?: boolean;
  /**
   * Across processes, let one process compute a missing response while the others wait for it
   * (through `setIfAbsent` with a short expiry). Default `false`. See the README for the trade-off.
   */
  lock?: boolean | ResponseCacheLockOptions;
  /** Responses with a larger body are served but not stored. Default 8 MiB. */
  maxBodyBytes?: number;
}

/** Where the cache keeps its entries: a store of its own, or one from a registry by name. */
export type ResponseCacheStoreOptions = StoreSource;

/** Options of a response cache: a store (or registry and name) and the common options. */
export type ResponseCacheOptions<Request> = ResponseCacheStoreOptions & ResponseCacheCommonOptions<Request>;

/** The options once checked, with their defaults. */
export interface ResolvedOptions<Request> {
  store: Store;
  expiresInMs: number;
  key: ((request: Request) => string) | undefined;
  onError: ResponseCacheErrorHandler;
  methods: ReadonlySet<string>;
  rules: CacheabilityRules;
  cacheAuthorized: boolean;
  lock: { expiresInMs: number; waitMs: number; pollIntervalMs: number } | undefined;
  maxBodyBytes: number;
}

const KNOWN = new Set([
  "store", "registry", "name", "expiresIn", "key", "onError", "methods", "statuses",
  "cacheAuthorized", "cacheSetCookie", "cachePrivate", "cacheNoStore", "lock", "maxBodyBytes",
]);
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
const WHO = "responseCache";

function invalid(argument: string, value: unknown, expected: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, value, expected, store: WHO });
}

function flag(options: Record<string, unknown>, name: string): boolean {
  const value = options[name];
  if (value !== undefined && typeof value !== "boolean") throw invalid(name, value, "true or false");
  return value === true;
}

function resolveLock(value: unknown): ResolvedOptions<unknown>["lock"] {
  if (value === undefined || value === false) return undefined;
  const lock = (value === true ? {} : value) as Record<string, unknown>;
  if (typeof lock !== "object" || lock === null) throw invalid("lock", value, "true, false or { expiresIn, wait, pollInterval }");
  const unknown = Object.keys(lock).filter((name) => !["expiresIn", "wait", "pollInterval"].includes(name));
  if (unknown.length > 0) throw invalid(`lock.${unknown[0]}`, lock[unknown[0]!], "one of expiresIn, wait, pollInterval");
  return {
    expiresInMs: durationToMilliseconds(lock.expiresIn ?? "10s", "lock.expiresIn", WHO),
    waitMs: durationToMilliseconds(lock.wait ?? "3s", "lock.wait", WHO),
    pollIntervalMs: durationToMilliseconds(lock.pollInterval ?? "50ms", "lock.pollInterval", WHO),
  };
}

/**
 * Checks a response cache's options and fills in the defaults.
 *
 * @throws InvalidArgumentError for an unknown option or a value of the wrong kind, or store
 *   options that `resolveStore` (@stowage/core) rejects: both or neither of `store` and
 *   `registry`, a bad `name`, a store (given or from the registry) that is not a Stowage Store.
 * @throws whatever `registry.get(name)` throws (StoreClosedError for a closed registry).
 */
export function resolveOptions<Request>(options: ResponseCacheOptions<Request>): ResolvedOptions<Request> {
  if (typeof options !== "object" || options === null) throw invalid("options", options, "an object with store or registry");
  const given = options as unknown as Record<string, unknown>;
  const unknown = Object.keys(given).filter((name) => !KNOWN.has(name) && given[name] !== undefined);
  if (unknown.length > 0) throw invalid(`option ${unknown[0]}`, given[unknown[0]!], `one of ${[...KNOWN].join(", ")}`);
  const lock = resolveLock(given.lock);
  const methods = given.methods ?? ["GET", "HEAD"];
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((method) => typeof method === "string" && METHOD.test(method))) {
    throw invalid("methods", methods, 'a non-empty array of HTTP methods, such as ["GET", "HEAD"]');
  }
  const statuses = given.statuses ?? [200];
  const validStatus = (status: unknown) => Number.isInteger(status) && (status as number) >= 200 && (status as number) <= 599 && status !== 206 && status !== 304;
  if (!Array.isArray(statuses) || statuses.length === 0 || !statuses.every(validStatus)) {
    throw invalid("statuses", statuses, "a non-empty array of statuses from 200 to 599 (not 206 or 304)");
  }
  for (const name of ["key", "onError"]) {
    if (given[name] !== undefined && typeof given[name] !== "function") throw invalid(name, given[name], "a function");
  }
  const maxBodyBytes = given.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || (maxBodyBytes as number) < 0) throw invalid("maxBodyBytes", maxBodyBytes, "a whole number of bytes, 0 or more");
  const rules = {
    statuses: new Set(statuses as number[]),
    cacheSetCookie: flag(given, "cacheSetCookie"),
    cachePrivate: flag(given, "cachePrivate"),
    cacheNoStore: flag(given, "cacheNoStore"),
  };
  return {
    expiresInMs: durationToMilliseconds(given.expiresIn ?? 60, "expiresIn", WHO),
    key: options.key,
    onError: options.onError ?? reportWithWarning,
    methods: new Set((methods as string[]).map((method) => method.toUpperCase())),
    rules,
    cacheAuthorized: flag(given, "cacheAuthorized"),
    lock,
    maxBodyBytes: maxBodyBytes as number,
    // Last, so every other option is checked before the registry makes a store.
    store: resolveStore(given, "response_cache", WHO),
  };
}
