import { BaseStore } from "./base-store.js";
import { ownedCopy, ownedEncoding } from "./bytes.js";
import { addToCounter, decodeCounter, encodeCounter } from "./counter.js";
import { timerDurationToMilliseconds, type Duration } from "./duration.js";
import { InvalidArgumentError } from "./errors/invalid-argument-error.js";
import { clearNode, countEntries, findNode, newRootNode, pruneNode, sweepNode, type Entry, type NamespaceNode } from "./memory-tree.js";

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The most entries the whole store (every namespace) holds; past it the least recently used go. */
  maxEntries?: number | undefined;
  /**
   * The most bytes the whole store holds, counting each value's length plus two bytes per key
   * character; past it the least recently used entries go. A single entry larger than this is
   * rejected with `InvalidArgumentError`.
   */
  maxBytes?: number | undefined;
  /**
   * How often a timer reclaims expired entries without waiting for a read. The timer never keeps
   * the process alive and stops on `close()`. Left out, expired entries are reclaimed when read,
   * evicted, or by {@link MemoryStore.deleteExpired}.
   */
  sweepInterval?: Duration | undefined;
}

/** What a root store and all of its views share. */
interface Storage {
  root: NamespaceNode;
  /** Entries in use order, oldest first; only kept when the store is bounded. */
  lru: Set<Entry> | undefined;
  maxEntries: number;
  maxBytes: number;
  bytes: number;
  timer: ReturnType<typeof setInterval> | undefined;
  /** The last {@link Entry.seq} handed out. */
  seq: number;
}

/** How many keys one step of `keys()` collects before it yields to the event loop. */
const KEYS_BATCH = 1_000;

const isLive = (entry: Entry, now: number): boolean => entry.expiresAt === 0 || entry.expiresAt > now;

/** The store's own copy of a value to write: a string's UTF-8 encoding, or a copy of the bytes. */
const owned = (given: Uint8Array | string): Buffer => (typeof given === "string" ? ownedEncoding(given, "utf8") : ownedCopy(given));

function checkBound(name: string, value: number | undefined): number {
  if (value === undefined) return Infinity;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError({ argument: name, value, expected: "a positive whole number, or undefined for no bound" });
  }
  return value;
}

/**
 * The default store: process-local, in memory, the fastest. Nothing survives a restart.
 *
 * Namespace views share one storage; `deleteAll` on a view costs the size of that namespace,
 * not of the whole store, and a namespace left empty is given back (its views keep working).
 * Values are copied in and out, each into an `ArrayBuffer` of its own (never Node's shared
 * `Buffer` pool). `increment` and `setIfAbsent` are atomic within the process: each runs to
 * completion without yielding. With `maxEntries` / `maxBytes` the least recently used entries
 * (reads count as use) are evicted across all namespaces.
 */
export class MemoryStore extends BaseStore {
  protected readonly kind = "MemoryStore";
  // The copy is made here (a Buffer of its own, which `get` hands out as a Buffer too): a string
  // is encoded straight into it, bytes are copied into it once.
  protected override readonly copiesValues = false;
  protected override readonly acceptsStrings = true;
  readonly #storage: Storage;
  /**
   * This namespace's node, looked up (by `namespace`) on first use and again whenever it was let
   * go because the namespace emptied; undefined while the namespace holds nothing.
   */
  #node: NamespaceNode | undefined;

  /**
   * @param options - bounds and sweeping; see {@link MemoryStoreOptions}.
   * @param parent - internal: how `withNamespace` makes a view. Applications leave it out.
   * @throws InvalidArgumentError when a bound is not a positive whole number or `sweepInterval`
   *   is not a valid duration of at most 2^31-1 ms (the longest a Node timer holds).
   */
  constructor(options: MemoryStoreOptions = {}, parent?: { store: MemoryStore; name: string }) {
    super(parent);
    if (parent) {
      this.#storage = parent.store.#storage;
      return;
    }
    if (typeof options !== "object" || options === null) {
      throw new InvalidArgumentError({ argument: "options", value: options, expected: "an object of MemoryStoreOptions, or nothing", store: this.kind });
    }
    const maxEntries = checkBound("maxEntries", options.maxEntries);
    const maxBytes = checkBound("maxBytes", options.maxBytes);
    const bounded = maxEntries !== Infinity || maxBytes !== Infinity;
    const root = newRootNode();
    this.#node = root;
    this.#storage = { root, lru: bounded ? new Set() : undefined, maxEntries, maxBytes, bytes: 0, timer: undefined, seq: 0 };
    if (options.sweepInterval !== undefined) {
      const everyMs = timerDurationToMilliseconds(options.sweepInterval, "sweepInterval", this.kind);
      this.#storage.timer = setInterval(() => this.#sweep(root, Date.now()), everyMs);
      this.#storage.timer.unref();
    }
  }

  /** How many entries the whole store (all namespaces) holds, expired ones not yet reclaimed included. */
  get size(): number {
    return this.#storage.lru ? this.#storage.lru.size : countEntries(this.#storage.root);
  }

  /**
   * Removes the expired entries of this namespace and its descendants without reading them.
   *
   * @returns how many entries were removed.
   * @throws StoreClosedError after `close()`.
   */
  async deleteExpired(): Promise<number> {
    this.assertOpen("deleteExpired");
    const node = this.#found();
    if (node === undefined) return 0;
    const removed = this.#sweep(node, Date.now());
    this.#release();
    return removed;
  }

  protected createChild(name: string): MemoryStore {
    return new MemoryStore({}, { store: this, name });
  }

  protected readEntry(key: string, renewMs: number | undefined): Uint8Array | null {
    const entry = this.#live(key);
    if (!entry) return null;
    if (renewMs !== undefined && entry.expiresAt !== 0) entry.expiresAt = Date.now() + renewMs;
    const lru = this.#storage.lru;
    if (lru) {
      lru.delete(entry);
      lru.add(entry);
    }
    return ownedCopy(entry.value);
  }

  protected writeEntry(key: string, given: Uint8Array | string, ttlMs: number | undefined): void {
    this.#put(key, owned(given), ttlMs === undefined ? 0 : Date.now() + ttlMs);
  }

  protected incrementEntry(key: string, by: number, ttlMs: number | undefined): number {
    const entry = this.#live(key);
    const value = entry ? entry.value : null;
    const next = this.checked((store) => addToCounter(decodeCounter(value, key, store), by, key, store));
    // A live counter keeps its expiry; a new one gets `ttlMs`.
    const expiresAt = entry ? entry.expiresAt : ttlMs === undefined ? 0 : Date.now() + ttlMs;
    this.#put(key, encodeCounter(next), expiresAt);
    return next;
  }

  protected writeEntryIfAbsent(key: string, given: Uint8Array | string, ttlMs: number | undefined): boolean {
    if (this.#live(key)) return false;
    this.#put(key, owned(given), ttlMs === undefined ? 0 : Date.now() + ttlMs);
    return true;
  }

  protected async *listKeys(): AsyncGenerator<readonly string[]> {
    const node = this.#found();
    if (node === undefined) return;
    const entries = node.entries;
    const start = this.#storage.seq;
    // The map's own iterator stays valid while entries are added and removed between batches.
    const iterator = entries.values();
    for (;;) {
      const batch: string[] = [];
      const now = Date.now();
      for (let step = iterator.next(); ; step = iterator.next()) {
        if (step.done) {
          if (batch.length > 0) yield batch;
          return;
        }
        const entry = step.value;
        if (entry.seq <= start && isLive(entry, now)) batch.push(entry.key);
        if (batch.length === KEYS_BATCH) break;
      }
      yield batch;
    }
  }

  /** Stores `value` (the store's own copy) under `key` with an absolute expiry (0 for none). */
  #put(key: string, value: Uint8Array, expiresAt: number): void {
    const storage = this.#storage;
    const size = value.byteLength + key.length * 2;
    if (size > storage.maxBytes) {
      throw new InvalidArgumentError({
        argument: "value",
        value,
        expected: `an entry of at most maxBytes (${storage.maxBytes} bytes, key included)`,
        store: this.description,
      });
    }
    const node = this.#attached();
    const entries = node.entries;
    const previous = entries.get(key);
    const entry: Entry = { value, expiresAt, key, node, size, seq: previous ? previous.seq : ++storage.seq };
    entries.set(key, entry);
    const lru = storage.lru;
    if (!lru) return;
    if (previous) this.#forget(previous);
    lru.add(entry);
    storage.bytes += size;
    this.#evict();
  }

  protected deleteEntry(key: string): void {
    const entry = this.#found()?.entries.get(key);
    if (entry === undefined) return;
    this.#remove(entry);
    this.#release();
  }

  protected deleteAllEntries(): void {
    const node = this.#found();
    if (node === undefined) return;
    clearNode(node, this.#storage.lru ? (entry) => this.#forget(entry) : undefined);
    pruneNode(node);
    this.#release();
  }

  protected hasEntry(key: string): boolean {
    return this.#live(key) !== undefined;
  }

  protected entryTtl(key: string): number | null {
    const entry = this.#live(key);
    return entry && entry.expiresAt !== 0 ? entry.expiresAt - Date.now() : null;
  }

  protected override closeRoot(): void {
    clearInterval(this.#storage.timer);
    clearNode(this.#storage.root, undefined);
    this.#storage.lru?.clear();
    this.#storage.bytes = 0;
  }

  /** This namespace's node, or undefined while the namespace holds nothing. */
  #found(): NamespaceNode | undefined {
    const node = this.#node;
    if (node !== undefined && node.attached) return node;
    return (this.#node = findNode(this.#storage.root, this.namespace, false));
  }

  /** Drops this view's node once it has left the tree, so a kept view does not keep it. */
  #release(): void {
    if (this.#node?.attached === false) this.#node = undefined;
  }

  /** This namespace's node, made (with its missing ancestors) when the namespace holds nothing. */
  #attached(): NamespaceNode {
    const node = this.#node;
    if (node !== undefined && node.attached) return node;
    return (this.#node = findNode(this.#storage.root, this.namespace, true)!);
  }

  /** The entry of `key` if it has not expired; an expired one is reclaimed on the way. */
  #live(key: string): Entry | undefined {
    const entry = this.#found()?.entries.get(key);
    if (entry === undefined || entry.expiresAt === 0) return entry;
    if (entry.expiresAt > Date.now()) return entry;
    this.#remove(entry);
    this.#release();
    return undefined;
  }

  #remove(entry: Entry): void {
    entry.node.entries.delete(entry.key);
    this.#forget(entry);
    if (entry.node.entries.size === 0) pruneNode(entry.node);
  }

  /** Drops an entry from the LRU accounting (its map slot is handled by the caller). */
  #forget(entry: Entry): void {
    const storage = this.#storage;
    if (storage.lru?.delete(entry)) storage.bytes -= entry.size;
  }

  #evict(): void {
    const storage = this.#storage;
    const lru = storage.lru!;
    while (lru.size > storage.maxEntries || storage.bytes > storage.maxBytes) {
      const oldest: Entry = lru.values().next().value!;
      this.#remove(oldest);
    }
  }

  /** Removes the expired entries of `node` and below, then lets go of what emptied. */
  #sweep(node: NamespaceNode, now: number): number {
    const removed = sweepNode(node, (entry) => !isLive(entry, now), (entry) => this.#forget(entry));
    pruneNode(node);
    return removed;
  }
}
