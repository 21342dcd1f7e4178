import type { Duration } from "./duration.js";

/** Options of {@link Store.get}. */
export interface GetOptions {
  /**
   * When the entry has an expiry, move it to now + `renewFor` (atomically with the read). An
   * entry without expiry keeps having none; a missing or expired entry stays missing.
   */
  renewFor?: Duration;
}

/** Options of {@link Store.set}. */
export interface SetOptions {
  /** How long the entry lives. Left out, the entry never expires (and loses any earlier expiry). */
  expiresIn?: Duration;
}

/**
 * The contract every Stowage store keeps: an async map from string keys to bytes, with expiry.
 *
 * Keys are non-empty, well-formed strings of at most 64 KiB in UTF-8; every character means
 * itself. Values are bytes: a string is stored as its UTF-8 encoding. Every method rejects with
 * `StoreClosedError` after `close()`, with `InvalidKeyError` / `InvalidArgumentError` for bad
 * input (nothing is changed then), and never resolves a write that did not happen.
 */
export interface Store {
  /**
   * The value of `key`, or `null` when it is missing or expired. The returned array is the
   * caller's: changing it never changes the store. With `renewFor`, an entry that has an expiry
   * gets a new one, now + `renewFor`.
   */
  get(key: string, options?: GetOptions): Promise<Uint8Array | null>;
  /**
   * Stores `value` under `key`, replacing value and expiry together. Without `expiresIn` the
   * entry never expires. The store keeps its own copy of `value`.
   */
  set(key: string, value: Uint8Array | string, options?: SetOptions): Promise<void>;
  /** Removes `key`; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every entry of this store and of its descendant namespaces, and nothing else. */
  deleteAll(): Promise<void>;
  /** Whether `key` holds an entry that has not expired. */
  exists(key: string): Promise<boolean>;
  /**
   * Seconds until `key` expires, with millisecond resolution; `null` when the key is missing,
   * expired, or has no expiry.
   */
  expiresIn(key: string): Promise<number | null>;
  /** Releases the store. Idempotent; every later operation rejects with `StoreClosedError`. */
  close(): Promise<void>;
  /** The same as {@link Store.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A {@link Store} that can hand out isolated child stores on the same storage and connection.
 * Every built-in store is one.
 */
export interface NamespacedStore extends Store {
  /** The names passed to `withNamespace` from the root store, in order; `[]` for a root. */
  readonly namespace: readonly string[];
  /**
   * A child store that sees only its own entries: the same key in a parent, a child and a
   * sibling are three different entries. Its `deleteAll` removes its entries and its
   * descendants' and nothing else. Closing a child closes that view only.
   *
   * @throws InvalidArgumentError when `name` is not a non-empty, well-formed string of at most
   *   1 KiB in UTF-8.
   */
  withNamespace(name: string): NamespacedStore;
}
