import { InvalidArgumentError, type Store } from "@stowage/core";
import { cacheability, type HeaderPair } from "./cacheability.js";
import { decodeEntry, encodeResponse, encodeVary, newToken, type CachedResponse, type VaryRecord } from "./entry.js";
import { resolveOptions, type ResolvedOptions, type ResponseCacheOptions } from "./options.js";
import { report, type ResponseCacheErrorContext } from "./report-error.js";
import { customKey, defaultKey, headerValues, lockKey, splitTarget, variantKey, type CacheRequest } from "./request-key.js";
import { storedHeaders } from "./replay.js";
import { Flights, NONE, type Flight, type Outcome } from "./flights.js";
import { lockOrWait } from "./lock.js";

/** What the adapter does with a request: run the handler and store nothing, replay a hit, or run the handler and capture its response. */
export type Lookup =
  | { kind: "pass" }
  | { kind: "hit"; response: CachedResponse; age: number }
  | { kind: "miss"; capture: Capture };

/** Receives the response of a miss from the adapter. */
export interface Capture {
  /** Bodies above this many bytes are not stored: stop collecting and call `abandon()`. */
  readonly maxBodyBytes: number;
  /** Call once status and headers are final; `true` means: collect the body and call `complete`. */
  accepts(status: number, headers: readonly HeaderPair[]): boolean;
  /** The whole body of an accepted response. */
  complete(body: Uint8Array): void;
  /** The response will not be stored (refused, too large, aborted, failed). Idempotent; nothing after `complete`. */
  abandon(): void;
}

/** What a store read found. */
interface Found {
  response: CachedResponse | null;
  /** The vary record found at the URL's key (or the one the lookup already knew). */
  vary: VaryRecord | null;
  failed: boolean;
  /** This process holds the cross-process lock of the key and must release it. */
  lockHeld?: boolean;
}

const PASS: Lookup = { kind: "pass" };
/** Waiters whose `Vary` values differ from the leader's start a flight of their own variant; past this depth they go alone. */
const MAX_DEPTH = 2;

const sameValues = (left: readonly unknown[], right: readonly unknown[]) => left.length === right.length && left.every((value, index) => value === right[index]);

/**
 * The framework-free response cache behind `responseCache` (Express) and `honoResponseCache`
 * (Hono): keys, what may be stored, the entry format, single-flight, the optional cross-process
 * lock and invalidation. An adapter calls {@link ResponseCache.lookup} per request and replays
 * a hit or runs the handler.
 */
export class ResponseCache<Request> {
  /** The store that holds this cache's entries (and nothing else: `deleteAll` clears it). */
  readonly store: Store;
  readonly #options: ResolvedOptions<Request>;
  readonly #flights = new Flights();

  /**
   * @throws InvalidArgumentError when an option is invalid (see the options' documentation).
   * @throws whatever `registry.get(name)` throws.
   */
  constructor(options: ResponseCacheOptions<Request>) {
    this.#options = resolveOptions(options);
    this.store = this.#options.store;
  }

  /**
   * Looks a request up. Resolves `pass` for a method that is not cached or an `Authorization`
   * request; `hit` with the stored response; or `miss` with a capture for the handler's response.
   * Concurrent lookups of one key share one store read and one handler run. A failing store
   * never rejects: it is reported to `onError` and the lookup resolves `miss` (or `pass`).
   *
   * @throws what the `key` option throws, and InvalidArgumentError when it returns no string.
   */
  async lookup(request: CacheRequest, original: Request): Promise<Lookup> {
    const options = this.#options;
    if (!options.methods.has(request.method)) return PASS;
    if (!options.cacheAuthorized && request.header("authorization") !== undefined) return PASS;
    const head = request.method === "HEAD";
    return this.#lookupAt(this.#baseKey(request, original, head), null, request, head, 0);
  }

  /**
   * Drops the stored responses of one URL (every variant of it), for the default key. `url` is
   * absolute (`https://example.com/products?page=2`; the scheme is ignored, the host and the
   * query's order are read as for a request). A response still being computed in this process
   * is not stored.
   *
   * @throws InvalidArgumentError when `url` is not an absolute URL, or the cache has a `key` option (use `invalidateKey`).
   * @throws what the store's `delete` throws.
   */
  async invalidate(url: string, options: { method?: string } = {}): Promise<void> {
    if (this.#options.key !== undefined) {
      throw new InvalidArgumentError({ argument: "url", value: url, expected: "invalidateKey(key), since this cache has a key option", store: "responseCache" });
    }
    const parts = typeof url === "string" ? splitTarget(url) : undefined;
    if (parts?.authority === undefined) {
      throw new InvalidArgumentError({ argument: "url", value: url, expected: "an absolute URL such as https://example.com/path?query", store: "responseCache" });
    }
    const method = (options.method ?? "GET").toUpperCase();
    await this.#invalidateBase(defaultKey(method === "HEAD" ? "GET" : method, undefined, url));
  }

  /**
   * Drops the stored responses (every variant) of `key`, a value the `key` option returns.
   *
   * @throws InvalidArgumentError when `key` is not a string.
   * @throws what the store's `delete` throws.
   */
  async invalidateKey(key: string): Promise<void> {
    if (typeof key !== "string") throw new InvalidArgumentError({ argument: "key", value: key, expected: "a string", store: "responseCache" });
    await this.#invalidateBase(customKey(key));
  }

  /**
   * Drops every stored response: `deleteAll` on the cache's store, which holds nothing else.
   * Responses still being computed in this process are not stored.
   *
   * @throws what the store's `deleteAll` throws.
   */
  async deleteAll(): Promise<void> {
    await this.#flights.cancel(() => true);
    await this.store.deleteAll();
  }

  #baseKey(request: CacheRequest, original: Request, head: boolean): string {
    if (this.#options.key === undefined) return defaultKey(head ? "GET" : request.method, request.host, request.target);
    const key = this.#options.key(original);
    if (typeof key !== "string") throw new InvalidArgumentError({ argument: "key(request) result", value: key, expected: "a string", store: "responseCache" });
    return customKey(key);
  }

  async #lookupAt(base: string, knownVary: VaryRecord | null, request: CacheRequest, head: boolean, depth: number): Promise<Lookup> {
    const values = knownVary ? headerValues(request, knownVary.names) : null;
    const key = knownVary && values ? variantKey(base, knownVary.token, values) : base;
    const joined = depth <= MAX_DEPTH ? this.#flights.get(key) : undefined;
    if (joined) return this.#join(joined, request, head, depth);
    if (head) {
      // HEAD never computes an entry (its response has no body): it only reads.
      const found = await this.#read(base, knownVary, request);
      return found.response ? this.#hit(found.response) : PASS;
    }
    const flight = this.#flights.start(key, base, depth <= MAX_DEPTH);
    let found = await this.#read(base, knownVary, request);
    if (!found.response && !found.failed && this.#options.lock) found = await this.#waitForHolder(key, base, knownVary, request, found);
    if (found.response) {
      const values = found.vary ? headerValues(request, found.vary.names) : null;
      this.#flights.finish(flight, { kind: "response", response: found.response, base, vary: found.vary, values });
      return this.#hit(found.response);
    }
    return { kind: "miss", capture: this.#capture(flight, request, found) };
  }

  async #join(flight: Flight, request: CacheRequest, head: boolean, depth: number): Promise<Lookup> {
    const outcome = await flight.outcome();
    if (outcome.kind === "response" && Date.now() - outcome.response.storedAt <= this.#options.expiresInMs) {
      if (!outcome.vary) return this.#hit(outcome.response);
      const values = headerValues(request, outcome.vary.names);
      if (outcome.values && sameValues(values, outcome.values)) return this.#hit(outcome.response);
      return this.#lookupAt(outcome.base, outcome.vary, request, head, depth + 1);
    }
    // The leader's response may not be shared (refused, failed, aborted): look up again, alone.
    return this.#lookupAt(flight.base, null, request, head, MAX_DEPTH + 1);
  }

  #hit(response: CachedResponse): Lookup {
    return { kind: "hit", response, age: Math.max(0, Math.floor((Date.now() - response.storedAt) / 1_000)) };
  }

  #report(error: unknown, operation: ResponseCacheErrorContext["operation"], key: string): void {
    report(this.#options.onError, error, { operation, key });
  }

  async #get(key: string): Promise<CachedResponse | VaryRecord | null> {
    const bytes = await this.store.get(key);
    if (bytes === null) return null;
    try {
      // The error names the store: its description where it has one (every built-in store does).
      const store = (this.store as { description?: unknown }).description;
      const entry = decodeEntry(bytes, key, typeof store === "string" ? store : "responseCache's store");
      return entry.kind === "response" ? entry.response : entry.vary;
    } catch (error) {
      // A foreign or damaged value is reported and treated as missing; the next write replaces it.
      this.#report(error, "read", key);
      return null;
    }
  }

  async #read(base: string, knownVary: VaryRecord | null, request: CacheRequest): Promise<Found> {
    let key = base;
    try {
      let vary = knownVary;
      if (!vary) {
        const entry = await this.#get(base);
        if (entry === null || "status" in entry) return { response: entry, vary: null, failed: false };
        vary = entry;
      }
      key = variantKey(base, vary.token, headerValues(request, vary.names));
      const variant = await this.#get(key);
      return { response: variant !== null && "status" in variant ? variant : null, vary, failed: false };
    } catch (error) {
      this.#report(error, "read", key);
      return { response: null, vary: null, failed: true };
    }
  }

  #capture(flight: Flight, request: CacheRequest, found: Found): Capture {
    let accepted: { status: number; headers: HeaderPair[]; vary: string[] } | undefined;
    let settled = false;
    const abandon = () => {
      if (settled) return;
      settled = true;
      this.#flights.finish(flight, NONE, found.lockHeld ? this.#release(flight.key) : undefined);
    };
    return {
      maxBodyBytes: this.#options.maxBodyBytes,
      accepts: (status, headers) => {
        if (settled) return false;
        const verdict = cacheability(status, headers, this.#options.rules);
        if (!verdict.storable) {
          abandon();
          return false;
        }
        accepted = { status, headers: storedHeaders(headers), vary: verdict.vary };
        return true;
      },
      complete: (body) => {
        if (settled || accepted === undefined) return;
        if (body.byteLength > this.#options.maxBodyBytes) return abandon();
        settled = true;
        const response: CachedResponse = { status: accepted.status, headers: accepted.headers, body, storedAt: Date.now() };
        const names = accepted.vary;
        const vary = names.length === 0 ? null : found.vary && sameValues(found.vary.names, names) ? found.vary : { names, token: newToken() };
        const values = vary ? headerValues(request, vary.names) : null;
        const outcome: Outcome = { kind: "response", response, base: flight.base, vary, values };
        const skipWrite = found.failed || flight.cancelled;
        this.#flights.finish(flight, outcome, skipWrite ? (found.lockHeld ? this.#release(flight.key) : undefined) : this.#write(flight, response, vary, values, found.lockHeld === true));
      },
      abandon,
    };
  }

  async #write(flight: Flight, response: CachedResponse, vary: VaryRecord | null, values: Array<string | null> | null, lockHeld: boolean): Promise<void> {
    // The adapter sends the response right after `complete`; encoding and writing wait for the
    // next microtask so they never delay it.
    await Promise.resolve();
    const expiresIn = this.#options.expiresInMs / 1_000;
    try {
      const writes: Array<[string, Uint8Array]> = vary && values
        ? [[flight.base, encodeVary(vary)], [variantKey(flight.base, vary.token, values), encodeResponse(response)]]
        : [[flight.base, encodeResponse(response)]];
      if (!flight.cancelled) {
        await Promise.all(writes.map(([key, value]) => this.store.set(key, value, { expiresIn }).catch((error: unknown) => this.#report(error, "write", key))));
      }
    } catch (error) {
      // A response the entry format cannot hold (more than 65,535 headers, a 64 KiB header name).
      this.#report(error, "write", flight.base);
    }
    if (lockHeld) await this.#release(flight.key);
  }

  async #release(key: string): Promise<void> {
    await this.store.delete(lockKey(key)).catch((error: unknown) => this.#report(error, "lock", lockKey(key)));
  }

  /** With the `lock` option: take the lock of `key` and compute, or wait for the process that holds it. */
  async #waitForHolder(key: string, base: string, knownVary: VaryRecord | null, request: CacheRequest, found: Found): Promise<Found> {
    const name = lockKey(key);
    try {
      // A holder that stored another variant of this URL (a vary record where none was known) is not computing ours.
      const outcome = await lockOrWait(this.store, this.#options.lock!, name, () => this.#read(base, knownVary, request), (again) => !knownVary && again.vary !== null);
      if (outcome.held) return { ...found, lockHeld: true };
      return outcome.found ?? found;
    } catch (error) {
      this.#report(error, "lock", name);
      return found;
    }
  }

  async #invalidateBase(base: string): Promise<void> {
    await this.#flights.cancel((flight) => flight.base === base);
    await this.store.delete(base);
  }
}
