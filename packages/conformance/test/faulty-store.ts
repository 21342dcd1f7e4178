import { BaseStore, addToCounter, decodeCounter, encodeCounter, type Duration, type GetOptions, type SetOptions } from "@stowage/core";
import { setImmediate as nextTurn } from "node:timers/promises";

/**
 * The ways a store can break the contract that the suite must catch. Each is one small,
 * realistic deviation from a correct store: the kind of bug a backend author ships.
 */
export const FAULTS = [
  // expiry
  "ignores-expiry", "exists-ignores-expiry", "set-keeps-old-expiry", "whole-second-ttl",
  // values
  "aliases-set", "aliases-get", "stores-whole-buffer", "strings-as-latin1", "drops-large-values",
  "drops-empty-values", "accepts-any-array-view", "coerces-values-to-strings",
  // renewal
  "resurrects-on-renew", "renew-gives-expiry", "renew-rewrites-value",
  // keys
  "coerces-non-string-keys", "replaces-lone-surrogates", "truncates-long-keys", "case-insensitive-keys", "normalizes-keys",
  // durations
  "zero-means-forever", "lenient-durations",
  // namespaces
  "deleteAll-prefix-sibling", "namespace-separator", "flat-namespaces", "deleteAll-climbs-up",
  // lifecycle and concurrency
  "close-not-enforced", "view-close-closes-root", "torn-writes",
] as const;

/** One way of breaking the contract; see {@link FAULTS}. */
export type Fault = (typeof FAULTS)[number];

interface Entry {
  path: readonly string[];
  value: Uint8Array;
  /** Epoch milliseconds; 0 for no expiry. */
  expiresAt: number;
}

const MAX_KEY_BYTES = 65_536;

/**
 * A map-backed store on `BaseStore` that is correct with no faults (the suite's control) and
 * breaks the contract in exactly the ways listed in `faults`.
 */
export class FaultyStore extends BaseStore {
  protected readonly kind = "FaultyStore";
  readonly #faults: ReadonlySet<Fault>;
  readonly #entries: Map<string, Entry>;
  readonly #root: FaultyStore;
  #writes = 0;

  constructor(faults: readonly Fault[] = [], parent?: { store: FaultyStore; name: string }) {
    super(parent);
    this.#faults = new Set(faults);
    this.#entries = parent ? parent.store.#entries : new Map();
    this.#root = parent ? parent.store.#root : this;
  }

  #has(fault: Fault): boolean {
    return this.#faults.has(fault);
  }

  /** Where (namespace path, key) lives in the map: injective, unless a namespace fault says otherwise. */
  #slot(key: string, path: readonly string[] = this.namespace): string {
    if (this.#has("flat-namespaces")) return key;
    if (this.#has("namespace-separator")) return [...path, key].join(":");
    return JSON.stringify([path, key]);
  }

  #live(key: string, checkExpiry = !this.#has("ignores-expiry")): Entry | undefined {
    const entry = this.#entries.get(this.#slot(key));
    if (entry === undefined || !checkExpiry) return entry;
    return entry.expiresAt === 0 || entry.expiresAt > Date.now() ? entry : undefined;
  }

  protected createChild(name: string): FaultyStore {
    return new FaultyStore([...this.#faults], { store: this, name });
  }

  protected async readEntry(key: string, renewMs: number | undefined): Promise<Uint8Array | null> {
    const entry = this.#live(key, !this.#has("ignores-expiry") && !(renewMs !== undefined && this.#has("resurrects-on-renew")));
    if (!entry) return null;
    if (renewMs !== undefined && (entry.expiresAt !== 0 || this.#has("renew-gives-expiry"))) {
      if (this.#has("renew-rewrites-value")) {
        // Read, then write back later: not atomic, so it can undo a concurrent set or delete.
        const value = entry.value;
        await nextTurn();
        this.#entries.set(this.#slot(key), { path: this.namespace, value, expiresAt: Date.now() + renewMs });
      } else {
        entry.expiresAt = Date.now() + renewMs;
      }
    }
    return this.#has("aliases-get") ? entry.value : entry.value.slice();
  }

  protected async writeEntry(key: string, value: Uint8Array, ttlMs: number | undefined): Promise<void> {
    if (this.#has("drops-large-values") && value.length > 1_048_576) return;
    if (this.#has("drops-empty-values") && value.length === 0) return;
    const previous = this.#live(key);
    const expiresAt = ttlMs !== undefined ? Date.now() + ttlMs : this.#has("set-keeps-old-expiry") && previous ? previous.expiresAt : 0;
    if (!this.#has("torn-writes")) {
      this.#entries.set(this.#slot(key), { path: this.namespace, value, expiresAt });
      return;
    }
    // Rewrites an entry of the same size in place, a chunk per turn, like a file rewritten in place.
    const entry = previous && previous.value.length === value.length ? previous : { path: this.namespace, value: new Uint8Array(value.length), expiresAt };
    entry.expiresAt = expiresAt;
    this.#entries.set(this.#slot(key), entry);
    const chunk = 4_096 * (1 + (this.#writes++ % 3)); // writers of different speeds overtake each other
    for (let offset = 0; offset < value.length; offset += chunk) {
      entry.value.set(value.subarray(offset, offset + chunk), offset);
      await nextTurn();
    }
  }

  protected incrementEntry(key: string, by: number, ttlMs: number | undefined): number {
    const entry = this.#live(key);
    const next = addToCounter(decodeCounter(entry?.value ?? null, key, this.description), by, key, this.description);
    const expiresAt = entry ? entry.expiresAt : ttlMs === undefined ? 0 : Date.now() + ttlMs;
    this.#entries.set(this.#slot(key), { path: this.namespace, value: encodeCounter(next), expiresAt });
    return next;
  }

  protected writeEntryIfAbsent(key: string, value: Uint8Array, ttlMs: number | undefined): boolean {
    if (this.#live(key)) return false;
    this.#entries.set(this.#slot(key), { path: this.namespace, value, expiresAt: ttlMs === undefined ? 0 : Date.now() + ttlMs });
    return true;
  }

  protected async *listKeys(): AsyncGenerator<readonly string[]> {
    const now = Date.now();
    const own = JSON.stringify(this.namespace);
    const keys: string[] = [];
    for (const [slot, entry] of this.#entries) {
      if (JSON.stringify(entry.path) !== own || (entry.expiresAt !== 0 && entry.expiresAt <= now)) continue;
      keys.push(JSON.parse(slot)[1] as string);
    }
    yield keys;
  }

  protected deleteEntry(key: string): void {
    this.#entries.delete(this.#slot(key));
  }

  protected deleteAllEntries(): void {
    const target = this.#has("deleteAll-climbs-up") ? this.namespace.slice(0, -1) : this.namespace;
    for (const [slot, entry] of this.#entries) {
      if (this.#has("namespace-separator") ? slot.startsWith(target.length ? `${target.join(":")}:` : "") : this.#under(entry.path, target)) {
        this.#entries.delete(slot);
      }
    }
  }

  #under(path: readonly string[], prefix: readonly string[]): boolean {
    // The bug: comparing joined strings finds "cache2" under "cache".
    if (this.#has("deleteAll-prefix-sibling")) return path.join("/").startsWith(prefix.join("/"));
    return prefix.every((name, index) => path[index] === name);
  }

  protected hasEntry(key: string): boolean {
    return this.#live(key, !this.#has("ignores-expiry") && !this.#has("exists-ignores-expiry")) !== undefined;
  }

  protected entryTtl(key: string): number | null {
    const entry = this.#live(key);
    if (!entry || entry.expiresAt === 0) return null;
    const ms = entry.expiresAt - Date.now();
    return this.#has("whole-second-ttl") ? Math.ceil(ms / 1_000) * 1_000 : ms;
  }

  // The faults below sit in front of BaseStore's checks, as a backend overriding them would.

  #key(key: string): string {
    let result: unknown = key;
    if (this.#has("coerces-non-string-keys") && typeof result !== "string") result = String(result);
    if (this.#has("replaces-lone-surrogates") && typeof result === "string") result = result.toWellFormed();
    if (this.#has("truncates-long-keys") && typeof result === "string") {
      while (Buffer.byteLength(result as string) > MAX_KEY_BYTES) result = (result as string).slice(0, -1);
    }
    if (this.#has("case-insensitive-keys") && typeof result === "string") result = result.toLowerCase();
    if (this.#has("normalizes-keys") && typeof result === "string") result = result.normalize("NFC");
    return result as string;
  }

  #duration(duration: Duration | undefined): Duration | undefined {
    if (duration === undefined) return undefined;
    if (this.#has("zero-means-forever") && duration === 0) return undefined;
    if (this.#has("lenient-durations")) {
      const seconds = Number.parseFloat(String(duration));
      return Number.isFinite(seconds) && seconds >= 0.001 && seconds < 2 ** 31 ? seconds : undefined;
    }
    return duration;
  }

  override get(key: string, options?: GetOptions): Promise<Uint8Array | null> {
    const renewFor = this.#duration(options?.renewFor);
    return super.get(this.#key(key), renewFor === undefined ? undefined : { renewFor });
  }

  override async set(key: string, value: Uint8Array | string, options?: SetOptions): Promise<void> {
    let stored: unknown = value;
    if (this.#has("strings-as-latin1") && typeof value === "string") stored = Buffer.from(value, "latin1");
    if (this.#has("accepts-any-array-view") && (ArrayBuffer.isView(value) || (value as unknown) instanceof ArrayBuffer)) {
      const view = value as ArrayBufferView;
      stored = ArrayBuffer.isView(view) ? new Uint8Array(view.buffer, view.byteOffset, view.byteLength) : new Uint8Array(view);
    }
    if (this.#has("coerces-values-to-strings") && typeof stored !== "string" && !(stored instanceof Uint8Array)) stored = String(stored);
    const hasExpiresIn = options !== undefined && options.expiresIn !== undefined;
    const expiresIn = this.#duration(options?.expiresIn);
    await super.set(this.#key(key), stored as Uint8Array, hasExpiresIn && expiresIn !== undefined ? { expiresIn } : undefined);
    const entry = this.#live(this.#key(key), false);
    if (entry && value instanceof Uint8Array) {
      if (this.#has("aliases-set")) entry.value = value;
      if (this.#has("stores-whole-buffer")) entry.value = new Uint8Array(value.buffer.slice(0));
    }
  }

  override delete(key: string): Promise<void> {
    return super.delete(this.#key(key));
  }

  override exists(key: string): Promise<boolean> {
    return super.exists(this.#key(key));
  }

  override expiresIn(key: string): Promise<number | null> {
    return super.expiresIn(this.#key(key));
  }

  override async close(): Promise<void> {
    if (this.#has("close-not-enforced")) return;
    if (this.#has("view-close-closes-root") && this !== this.#root) await this.#root.close();
    return super.close();
  }
}
