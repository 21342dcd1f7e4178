import {
  InvalidArgumentError,
  MAX_DURATION_SECONDS,
  StoreCorruptionError,
  json,
  durationToMilliseconds,
  resolveStore,
  type Duration,
  type Store,
  type StoreSource,
} from "@stowage/core";
import { withCallback, type SessionCallback } from "./callback.js";
import { expressStoreBase } from "./express-store-base.js";

/** The cookie fields a session carries that decide its expiry (express-session's and @fastify/session's `Cookie`). */
export interface SessionCookieData {
  /** When the cookie, and so the session, expires: a `Date`, or its JSON form after a round trip. */
  expires?: Date | string | number | null | boolean | undefined;
  /** The `maxAge` the cookie was created with, in milliseconds. */
  originalMaxAge?: number | null | undefined;
}

/**
 * A session as the frameworks hand it over: JSON-serialisable data and its `cookie`. The fields
 * are `any` so that express-session's and @fastify/session's own session types are accepted.
 */
export interface SessionData {
  cookie?: SessionCookieData | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  [field: string]: any;
}

/** Where a {@link SessionStore} keeps its sessions, and how long one without cookie expiry lives. */
export type SessionStoreOptions = StoreSource & {
  /** How long a session whose cookie has no `expires` lives, a Stowage duration. Default one day. */
  ttl?: Duration | undefined;
};

const DEFAULT_TTL_MS = 86_400_000;
const MAX_EXPIRY_MS = MAX_DURATION_SECONDS * 1_000;
/** How many sessions `all()` reads at once. */
const READ_BATCH = 64;
/** Session data as UTF-8 JSON: core's codec, so nothing here hand-writes the encoding. */
const sessionJson = json<unknown>();

/**
 * Server-side sessions on any Stowage store: an express-session `Store` (it extends
 * express-session's own `Store` class when express-session is installed), which
 * @fastify/session takes as well.
 *
 * A session is stored as JSON under its session id, unchanged, and lives until its cookie's
 * `expires` (rounded up to the millisecond); one without `expires` lives `ttl`. A session whose
 * cookie has already expired is deleted, not written. `touch` moves the expiry of a session that
 * still exists, atomically (`get` with `renewFor`), and never recreates one that was destroyed or
 * expired; it never rewrites the value. `all`, `length`, `ids` and `clear` cover this store's
 * sessions only. Every method takes the framework's callback and also returns a promise; failures
 * of the backend (`StoreUnavailableError`, `StoreCorruptionError`, ...) reach both unchanged.
 */
export class SessionStore extends expressStoreBase() {
  /** The Stowage store that holds the sessions. */
  readonly store: Store;
  /* eslint-disable @typescript-eslint/no-explicit-any -- express-session's signatures, which take its own request and Session types */
  /** From express-session's `Store` (when installed): destroys the session of `request` and generates a new one under a new id. */
  declare regenerate: (request: any, callback: (error?: any) => any) => void;
  /** From express-session's `Store` (when installed): reads session `id` and rebuilds it as an express-session `Session`. */
  declare load: (id: string, callback: (error: any, session?: any) => any) => void;
  /** From express-session's `Store` (when installed): rebuilds stored data as an express-session `Session`, cookie dates included. */
  declare createSession: (request: any, session: any) => any;
  /* eslint-enable @typescript-eslint/no-explicit-any */
  readonly #ttlMs: number;

  /**
   * @param options - where the sessions live (`store`, or `registry` and `name`), and `ttl`.
   * @param ttl - the same as `options.ttl`, for `new SessionStore({ store }, "2h")`; give one or
   *   the other.
   * @throws InvalidArgumentError when neither (or both) of `store` and `registry` are given, the
   *   name is given beside a store or is empty, the store is not a Stowage store (see
   *   `resolveStore` in @stowage/core), `ttl` is given twice or is not a valid duration. Nothing is
   *   taken from the registry then.
   * @throws whatever `registry.get(name)` throws (a closed registry: `StoreClosedError`).
   */
  constructor(options: SessionStoreOptions, ttl?: Duration) {
    super();
    // Read without trusting `options`: resolveStore rejects it below when it is not an object.
    const optionsTtl = (options as { ttl?: Duration } | null | undefined)?.ttl;
    if (ttl !== undefined && optionsTtl !== undefined) {
      throw new InvalidArgumentError({ argument: "ttl", value: ttl, expected: "ttl given once: as options.ttl or as the second argument" });
    }
    const ttlOption = ttl ?? optionsTtl;
    this.#ttlMs = ttlOption === undefined ? DEFAULT_TTL_MS : durationToMilliseconds(ttlOption, "ttl");
    // Last: nothing is taken from the registry when another option is wrong.
    this.store = resolveStore(options, "sessions", "SessionStore");
  }

  /**
   * The session stored under `id`, or `null` when there is none (never stored, destroyed or
   * expired). Reading does not renew it.
   *
   * @throws StoreCorruptionError when the entry is not a JSON object (it is left in place).
   */
  // The callbacks of get and all take `any` data: each framework types it as its own session type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get(id: string, callback?: SessionCallback<any>): Promise<SessionData | null> {
    return withCallback(this.#read(id), callback);
  }

  /**
   * Stores `session` under `id` as JSON, replacing what was there, until its cookie expires (or
   * for `ttl`). A session whose cookie has already expired is deleted instead.
   *
   * @throws InvalidArgumentError when `session` cannot be represented as JSON or its cookie's
   *   `expires` is not a date; nothing is written then.
   */
  set(id: string, session: SessionData, callback?: SessionCallback<void>): Promise<void> {
    return withCallback(this.#write(id, session), callback);
  }

  /** Deletes the session stored under `id`; a missing one is not an error. */
  destroy(id: string, callback?: SessionCallback<void>): Promise<void> {
    return withCallback(this.store.delete(id), callback);
  }

  /**
   * Moves the expiry of the session under `id` to its cookie's `expires` (or now + `ttl`), if it
   * still exists: one atomic `get` with `renewFor`, no write of the value. A destroyed or expired
   * session stays gone. A cookie that has already expired deletes the session.
   *
   * @throws InvalidArgumentError when the cookie's `expires` is not a date.
   */
  touch(id: string, session: SessionData, callback?: SessionCallback<void>): Promise<void> {
    return withCallback(this.#renew(id, session), callback);
  }

  /**
   * Every live session of this store, by id. Reads them all into memory: meant for
   * administration, not for request paths.
   *
   * @throws StoreCorruptionError when an entry is not a JSON object.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  all(callback?: SessionCallback<any>): Promise<Record<string, SessionData>> {
    return withCallback(this.#readAll(), callback);
  }

  /** How many live sessions this store holds (it walks the keys). */
  length(callback?: SessionCallback<number>): Promise<number> {
    return withCallback(this.#count(), callback);
  }

  /** The ids of this store's live sessions, in no particular order. */
  ids(callback?: SessionCallback<string[]>): Promise<string[]> {
    return withCallback(this.#ids(), callback);
  }

  /** Deletes every session of this store (`deleteAll`: its namespace, never a sibling's). */
  clear(callback?: SessionCallback<void>): Promise<void> {
    return withCallback(this.store.deleteAll(), callback);
  }

  async #read(id: string): Promise<SessionData | null> {
    const bytes = await this.store.get(id);
    return bytes === null ? null : decodeSession(id, bytes, (this.store as { description?: string }).description);
  }

  async #write(id: string, session: SessionData): Promise<void> {
    const lifetimeMs = this.#lifetimeMs(session);
    const encoded = encodeSession(session);
    if (lifetimeMs <= 0) return this.store.delete(id);
    return this.store.set(id, encoded, { expiresIn: lifetimeMs / 1_000 });
  }

  async #renew(id: string, session: SessionData): Promise<void> {
    const lifetimeMs = this.#lifetimeMs(session);
    if (lifetimeMs <= 0) return this.store.delete(id);
    // The new expiry is the cookie's own, as `set` would give it, so the entry never outlives
    // the cookie nor dies before it. A null answer means the session is gone: nothing to do.
    await this.store.get(id, { renewFor: lifetimeMs / 1_000 });
  }

  async #ids(): Promise<string[]> {
    const ids: string[] = [];
    for await (const id of this.store.keys()) ids.push(id);
    return ids;
  }

  async #count(): Promise<number> {
    let count = 0;
    for await (const _id of this.store.keys()) count++;
    return count;
  }

  async #readAll(): Promise<Record<string, SessionData>> {
    const sessions: Record<string, SessionData> = Object.create(null);
    const readBatch = async (ids: string[]) => {
      const found = await Promise.all(ids.map((id) => this.#read(id)));
      ids.forEach((id, index) => {
        const session = found[index];
        if (session) sessions[id] = session; // destroyed or expired while listing
      });
    };
    let batch: string[] = [];
    for await (const id of this.store.keys()) {
      batch.push(id);
      if (batch.length === READ_BATCH) {
        await readBatch(batch);
        batch = [];
      }
    }
    await readBatch(batch);
    return sessions;
  }

  /** Milliseconds until the session should end: its cookie's `expires`, else `ttl`. Zero or less: already over. */
  #lifetimeMs(session: SessionData): number {
    const expires = session?.cookie?.expires;
    if (expires === undefined || expires === null || expires === false) return this.#ttlMs;
    const at = expires instanceof Date ? expires.getTime() : typeof expires === "string" || typeof expires === "number" ? new Date(expires).getTime() : NaN;
    if (Number.isNaN(at)) {
      throw new InvalidArgumentError({ argument: "session.cookie.expires", value: expires, expected: "a Date, a date string or a timestamp" });
    }
    return Math.min(Math.ceil(at - Date.now()), MAX_EXPIRY_MS);
  }
}

function encodeSession(session: SessionData): string {
  if (typeof session !== "object" || session === null) {
    throw new InvalidArgumentError({ argument: "session", value: session, expected: "a session object" });
  }
  try {
    return sessionJson.encode(session) as string;
  } catch (error) {
    throw new InvalidArgumentError({ argument: "session", value: session, expected: "data JSON can represent", cause: error });
  }
}

function decodeSession(id: string, bytes: Uint8Array, store: string | undefined): SessionData {
  let session: unknown;
  try {
    session = sessionJson.decode(bytes);
  } catch (error) {
    throw new StoreCorruptionError({ key: id, store, reason: "the session is not valid JSON", cause: error });
  }
  if (typeof session !== "object" || session === null || Array.isArray(session)) {
    throw new StoreCorruptionError({ key: id, store, reason: "the session is not a JSON object" });
  }
  return session as SessionData;
}

