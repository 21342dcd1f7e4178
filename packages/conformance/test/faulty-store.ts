import {
  BaseStore,
  InvalidArgumentError,
  MAX_TIMER_MILLISECONDS,
  StoreClosedError,
  addToCounter,
  decodeCounter,
  durationToMilliseconds,
  encodeCounter,
  type Duration,
  type GetOptions,
  type IncrementOptions,
  type SetIfAbsentOptions,
  type SetOptions,
} from "@stowage/core";
import { setImmediate as nextTurn } from "node:timers/promises";
import { type Fault } from "./faults.js";
import { isUnder } from "../src/namespace-locations.js";

export { FAULTS, type Fault } from "./faults.js";

interface Entry {
  path: readonly string[];
  key: string;
  value: Uint8Array;
  /** Epoch milliseconds; 0 for no expiry. */
  expiresAt: number;
  /** When the slot entered the map; an overwrite keeps it, as the map keeps the slot's place. */
  seq: number;
}

/** What a root and its views share. */
interface Shared {
  entries: Map<string, Entry>;
  seq: number;
  /** The one cursor of the `keys-shared-cursor` fault. */
  cursor: Iterator<Entry> | undefined;
}

const MAX_KEY_BYTES = 65_536;
/** Keys per `listKeys` batch: small, so the suite's listings span many batches. */
const KEYS_BATCH = 100;
const PUBLIC_OPERATIONS = ["get", "set", "delete", "deleteAll", "exists", "expiresIn", "increment", "setIfAbsent"] as const;

/** Redis-style glob matching (`*`, `?`, `[...]`, `\` escapes): what an unescaped SCAN MATCH does. */
function globMatches(pattern: string, name: string): boolean {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  let source = "";
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    const end = char === "[" ? pattern.indexOf("]", index + 1) : -1;
    if (char === "*") source += "[\\s\\S]*";
    else if (char === "?") source += "[\\s\\S]";
    else if (end > index) {
      source += `[${escape(pattern.slice(index + 1, end))}]`;
      index = end;
    } else if (char === "\\" && index + 1 < pattern.length) source += escape(pattern[++index]!);
    else source += escape(char);
  }
  return new RegExp(`^${source}$`).test(name);
}

/**
 * A map-backed store on `BaseStore` that is correct with no faults (the suite's control) and
 * breaks the contract in exactly the ways listed in `faults`.
 */
export class FaultyStore extends BaseStore {
  protected readonly kind = "FaultyStore";
  readonly #faults: ReadonlySet<Fault>;
  readonly #shared: Shared;
  readonly #root: FaultyStore;
  /** The real namespace path, which the namespace faults may misreport as `namespace`. */
  readonly #path: readonly string[];
  #writes = 0;

  constructor(faults: readonly Fault[] = [], parent?: { store: FaultyStore; name: string }) {
    const faultSet = new Set(faults);
    // A view made as a root of its own never learns that its real root closed.
    super(parent && !faultSet.has("root-close-spares-views") ? parent : undefined);
    this.#faults = faultSet;
    this.#path = parent ? [...parent.store.#path, parent.name] : [];
    this.#shared = parent && !faultSet.has("views-not-shared") ? parent.store.#shared : { entries: new Map(), seq: 0, cursor: undefined };
    this.#root = parent ? parent.store.#root : this;
    if (parent && (this.#has("namespace-own-name-only") || this.#has("root-close-spares-views"))) {
      const namespace = this.#has("namespace-own-name-only") ? [parent.name] : this.#path;
      Object.defineProperty(this, "namespace", { value: Object.freeze([...namespace]) });
    }
    if (this.#has("plain-errors")) {
      for (const operation of PUBLIC_OPERATIONS) {
        const original = (this[operation] as (...args: unknown[]) => Promise<unknown>).bind(this);
        const rethrow = (error: unknown) => Promise.reject(new Error(error instanceof Error ? error.message : String(error)));
        Object.defineProperty(this, operation, { value: (...args: unknown[]) => original(...args).catch(rethrow) });
      }
    }
  }

  #has(fault: Fault): boolean {
    return this.#faults.has(fault);
  }

  /** Where (namespace path, key) lives in the map: injective, unless a namespace fault says otherwise. */
  #slot(key: string, path: readonly string[] = this.#path): string {
    if (this.#has("flat-namespaces")) return key;
    if (this.#has("namespace-separator")) return [...path, key].join(":");
    return JSON.stringify([path, key]);
  }

  #live(key: string, checkExpiry = !this.#has("ignores-expiry")): Entry | undefined {
    const entry = this.#shared.entries.get(this.#slot(key));
    if (entry === undefined || !checkExpiry) return entry;
    return entry.expiresAt === 0 || entry.expiresAt > Date.now() ? entry : undefined;
  }

  /** Stores an entry; a slot already in the map keeps its place and its `seq`. */
  #put(key: string, value: Uint8Array, expiresAt: number): Entry {
    const slot = this.#slot(key);
    const previous = this.#shared.entries.get(slot);
    const entry = { path: this.#path, key, value, expiresAt, seq: previous ? previous.seq : ++this.#shared.seq };
    this.#shared.entries.set(slot, entry);
    return entry;
  }

  protected createChild(name: string): FaultyStore {
    return new FaultyStore([...this.#faults], { store: this, name });
  }

  override withNamespace(name: string): this {
    // The bug: a name check that forgot the empty string.
    if (this.#has("lenient-namespace-names") && name === "") return this.createChild(name) as this;
    // The bug: views made without asking whether the store is closed.
    if (this.#has("withNamespace-ignores-close") && this.closed) return this.createChild(name) as this;
    return super.withNamespace(name);
  }

  protected async readEntry(key: string, renewMs: number | undefined): Promise<Uint8Array | null> {
    const entry = this.#live(key, !this.#has("ignores-expiry") && !(renewMs !== undefined && this.#has("resurrects-on-renew")));
    if (!entry) return null;
    const value = this.#has("aliases-get") ? entry.value : entry.value.slice();
    if (renewMs !== undefined && (entry.expiresAt !== 0 || this.#has("renew-gives-expiry")) && !this.#has("ignores-renewFor")) {
      if (this.#has("renew-rewrites-value")) {
        // Read, then write back later: not atomic, so it can undo a concurrent set or delete.
        const old = entry.value;
        await nextTurn();
        this.#put(key, old, Date.now() + renewMs);
      } else if (this.#has("whole-second-renewal")) {
        // EXPIRE takes whole seconds, and EXPIRE key 0 deletes the key.
        const seconds = Math.floor(renewMs / 1_000);
        if (seconds === 0) this.#shared.entries.delete(this.#slot(key));
        else entry.expiresAt = Date.now() + seconds * 1_000;
      } else if (this.#has("renew-extends-old-expiry")) {
        entry.expiresAt += renewMs;
      } else {
        entry.expiresAt = Date.now() + renewMs;
      }
    }
    return this.#has("get-returns-string") ? (new TextDecoder().decode(value) as unknown as Uint8Array) : value;
  }

  protected async writeEntry(key: string, given: Uint8Array, ttlMs: number | undefined): Promise<void> {
    if (this.#has("drops-large-values") && given.length > 1_048_576) return;
    if (this.#has("drops-empty-values") && given.length === 0) return;
    let value = given;
    if (this.#has("values-through-utf8")) value = new TextEncoder().encode(new TextDecoder().decode(given));
    if (this.#has("truncates-at-nul") && value.includes(0)) value = value.slice(0, value.indexOf(0));
    const previous = this.#live(key);
    let expiresAt = ttlMs !== undefined ? Date.now() + ttlMs : this.#has("set-keeps-old-expiry") && previous ? previous.expiresAt : 0;
    if (this.#has("set-expiry-only-extends") && previous && ttlMs !== undefined && previous.expiresAt > expiresAt) expiresAt = previous.expiresAt;
    if (!this.#has("torn-writes")) {
      this.#put(key, value, expiresAt);
      return;
    }
    // Rewrites an entry of the same size in place, a chunk per turn, like a file rewritten in place.
    const entry = previous && previous.value.length === value.length ? previous : this.#put(key, new Uint8Array(value.length), expiresAt);
    entry.expiresAt = expiresAt;
    const chunk = 4_096 * (1 + (this.#writes++ % 3)); // writers of different speeds overtake each other
    for (let offset = 0; offset < value.length; offset += chunk) {
      entry.value.set(value.subarray(offset, offset + chunk), offset);
      await nextTurn();
    }
  }

  #decodeCounter(bytes: Uint8Array | null, key: string): number {
    if (bytes !== null && this.#has("increment-stores-binary") && bytes.length === 8) {
      return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0);
    }
    if (bytes === null || !this.#has("increment-lenient-parse")) return decodeCounter(bytes, key, this.description);
    // The bug: Number() takes "", " 1", "+1", "007", "1e3" and "0x10" for integers.
    const value = Number(new TextDecoder().decode(bytes));
    if (!Number.isSafeInteger(value)) throw new InvalidArgumentError({ argument: `entry ${key}`, value: bytes, expected: "a counter" });
    return value;
  }

  #encodeCounter(value: number): Uint8Array {
    if (!this.#has("increment-stores-binary")) return encodeCounter(value);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value);
    return bytes;
  }

  protected incrementEntry(key: string, by: number, ttlMs: number | undefined): number | Promise<number> {
    const entry = this.#live(key, !this.#has("ignores-expiry") && !this.#has("increment-keeps-expired"));
    const current = this.#decodeCounter(entry?.value ?? null, key);
    const unchecked = this.#has("increment-unchecked-overflow") || this.#has("increment-writes-before-check");
    const write = (): number => {
      const next = unchecked ? current + by : addToCounter(current, by, key, this.description);
      let expiresAt = entry ? entry.expiresAt : ttlMs === undefined ? 0 : Date.now() + ttlMs;
      const reapply = this.#has("increment-reapplies-expiry") || (this.#has("increment-expires-persistent") && entry?.expiresAt === 0);
      if (ttlMs !== undefined && reapply) expiresAt = Date.now() + ttlMs;
      this.#put(key, this.#encodeCounter(next), expiresAt);
      // The bug: the range is checked after the write.
      if (this.#has("increment-writes-before-check")) addToCounter(current, by, key, this.description);
      return next;
    };
    // The bug: read, await, write; another increment can run in between.
    return this.#has("increment-read-then-write") ? nextTurn().then(write) : write();
  }

  override increment(key: string, options?: IncrementOptions): Promise<number> {
    let adjusted = options;
    if (this.#has("increment-rounds-by") && typeof options === "object" && options !== null && options.by !== undefined) {
      adjusted = { ...options, by: Math.round(Number(options.by)) };
    }
    if (this.#has("increment-zero-means-forever") && typeof options === "object" && options?.expiresIn === 0) {
      adjusted = { ...options, expiresIn: undefined };
    }
    return super.increment(this.#atomicKey(key), adjusted);
  }

  override async setIfAbsent(key: string, value: Uint8Array | string, options?: SetIfAbsentOptions): Promise<boolean> {
    let stored: unknown = value;
    if (this.#has("setIfAbsent-coerces-values") && typeof value !== "string" && !(value instanceof Uint8Array)) stored = String(value);
    const written = await super.setIfAbsent(this.#atomicKey(key), stored as string, options);
    // The bug: the entry keeps the caller's array instead of a copy.
    const entry = this.#live(key, false);
    if (written && entry && this.#has("setIfAbsent-aliases-value") && value instanceof Uint8Array) entry.value = value;
    return written;
  }

  /** The bug of `atomic-coerces-keys`: the new operations take String(key) for a non-string key. */
  #atomicKey(key: string): string {
    return this.#has("atomic-coerces-keys") && typeof key !== "string" ? String(key) : key;
  }

  protected async writeEntryIfAbsent(key: string, value: Uint8Array, ttlMs: number | undefined): Promise<boolean> {
    if (this.#has("setIfAbsent-exists-then-set")) {
      // The bug: check, await, write; another caller can check in between.
      if (this.hasEntry(key)) return false;
      await nextTurn();
      this.#put(key, value, ttlMs === undefined ? 0 : Date.now() + ttlMs);
      return true;
    }
    const entry = this.#live(key, !this.#has("ignores-expiry") && !this.#has("setIfAbsent-expired-is-present"));
    if (entry && !(this.#has("setIfAbsent-empty-is-absent") && entry.value.length === 0)) {
      if (this.#has("setIfAbsent-touches-expiry") && ttlMs !== undefined) entry.expiresAt = Date.now() + ttlMs;
      return false;
    }
    const previous = this.#shared.entries.get(this.#slot(key));
    let expiresAt = ttlMs === undefined || this.#has("setIfAbsent-ignores-expiresIn") ? 0 : Date.now() + ttlMs;
    if (this.#has("setIfAbsent-keeps-old-expiry") && ttlMs === undefined && previous) expiresAt = previous.expiresAt;
    this.#put(key, value, expiresAt);
    return true;
  }

  /** Whether keys() of this namespace lists `entry`. */
  #lists(entry: Entry, now: number): boolean {
    if (!this.#has("keys-yields-expired") && entry.expiresAt !== 0 && entry.expiresAt <= now) return false;
    const [own, path] = [this.#path, entry.path];
    if (this.#has("keys-includes-children")) return isUnder(path, own);
    if (path.length !== own.length) return false;
    if (this.#has("keys-prefix-siblings")) return path.join("/").startsWith(own.join("/"));
    if (this.#has("keys-glob")) return own.every((name, index) => globMatches(name, path[index]!));
    return isUnder(path, own);
  }

  protected listKeys(): AsyncIterable<readonly string[]> {
    return this.#has("keys-offset-paging") ? this.#pagedKeys() : this.#walkKeys();
  }

  /** Walks the map's own iterator, which survives changes; entries newer than the walk are skipped. */
  async *#walkKeys(): AsyncGenerator<readonly string[]> {
    const shared = this.#shared;
    const start = shared.seq;
    const own = shared.entries.values();
    if (this.#has("keys-shared-cursor")) shared.cursor = own;
    let batch: string[] = [];
    for (;;) {
      const step = (this.#has("keys-shared-cursor") ? shared.cursor! : own).next();
      if (step.done) break;
      const entry = step.value;
      if (!this.#lists(entry, Date.now()) || (entry.seq > start && !this.#has("keys-repeats-reinserted"))) continue;
      batch.push(this.#has("keys-latin1") ? Buffer.from(entry.key).toString("latin1") : entry.key);
      if (batch.length === KEYS_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** The bug: each batch is a slice of a fresh listing, so a deletion behind the cursor skips keys. */
  async *#pagedKeys(): AsyncGenerator<readonly string[]> {
    for (let offset = 0; ; offset += KEYS_BATCH) {
      const now = Date.now();
      const listed = [...this.#shared.entries.values()].filter((entry) => this.#lists(entry, now));
      const batch = listed.slice(offset, offset + KEYS_BATCH).map((entry) => entry.key);
      if (batch.length === 0) return;
      yield batch;
    }
  }

  override keys(): AsyncIterableIterator<string> {
    if (this.#has("keys-ignores-close")) return this.#keysWithoutChecks();
    if (this.#has("keys-no-return")) {
      // A hand-written iterator without return(): breaking out of for await cannot end it.
      const inner = super.keys();
      return { next: () => inner.next(), [Symbol.asyncIterator]() { return this; } } as AsyncIterableIterator<string>;
    }
    return super.keys();
  }

  async *#keysWithoutChecks(): AsyncGenerator<string> {
    for await (const batch of this.listKeys()) yield* batch;
  }

  protected deleteEntry(key: string): void {
    const slot = this.#slot(key);
    if (this.#has("delete-missing-rejects") && !this.#shared.entries.has(slot)) throw new Error(`ENOENT: no entry ${key}`);
    this.#shared.entries.delete(slot);
  }

  protected deleteAllEntries(): void {
    const target = this.#has("deleteAll-climbs-up") ? this.#path.slice(0, -1) : this.#path;
    for (const [slot, entry] of this.#shared.entries) {
      if (this.#has("namespace-separator") ? slot.startsWith(target.length ? `${target.join(":")}:` : "") : this.#under(entry.path, target)) {
        this.#shared.entries.delete(slot);
      }
    }
  }

  #under(path: readonly string[], prefix: readonly string[]): boolean {
    // The bug: comparing joined strings finds "cache2" under "cache".
    if (this.#has("deleteAll-prefix-sibling")) return path.join("/").startsWith(prefix.join("/"));
    if (this.#has("deleteAll-skips-children")) return path.length === prefix.length && isUnder(path, prefix);
    if (this.#has("deleteAll-glob")) return prefix.length <= path.length && prefix.every((name, index) => globMatches(name, path[index]!));
    return isUnder(path, prefix);
  }

  protected hasEntry(key: string): boolean {
    return this.#live(key, !this.#has("ignores-expiry") && !this.#has("exists-ignores-expiry")) !== undefined;
  }

  protected entryTtl(key: string): number | null {
    const entry = this.#live(key);
    if (!entry) return null;
    if (entry.expiresAt === 0) return this.#has("no-expiry-as-infinity") ? Infinity : null;
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
    if (this.#has("trims-keys") && typeof result === "string") result = result.trim();
    return result as string;
  }

  #duration(duration: Duration | undefined): Duration | undefined {
    if (duration === undefined) return undefined;
    if (this.#has("zero-means-forever") && duration === 0) return undefined;
    if (this.#has("lenient-durations")) {
      const seconds = Number.parseFloat(String(duration));
      return Number.isFinite(seconds) && seconds >= 0.001 && seconds < 2 ** 31 ? seconds : undefined;
    }
    if (this.#has("numbers-as-milliseconds") && typeof duration === "number" && Number.isFinite(duration) && duration >= 1) {
      return `${Math.round(duration)}ms`;
    }
    if (this.#has("rejects-long-durations")) {
      // The bug: the limit of a Node timer (2^31-1 ms) applied to an expiry, which has none.
      let ms: number;
      try {
        ms = durationToMilliseconds(duration, "expiresIn", this.description);
      } catch {
        return duration;
      }
      if (ms > MAX_TIMER_MILLISECONDS) throw new InvalidArgumentError({ argument: "expiresIn", value: duration, expected: "at most 2^31-1 ms" });
    }
    return duration;
  }

  override get(key: string, options?: GetOptions): Promise<Uint8Array | null> {
    try {
      const renewFor = this.#duration(options?.renewFor);
      return super.get(this.#key(key), renewFor === undefined ? undefined : { renewFor });
    } catch (error) {
      return Promise.reject(error);
    }
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
    if (this.#has("close-twice-rejects") && this.closed) throw new StoreClosedError({ operation: "close", store: this.description });
    if (this.#has("view-close-closes-root") && this !== this.#root) await this.#root.close();
    return super.close();
  }

  override [Symbol.asyncDispose](): Promise<void> {
    return this.#has("dispose-does-not-close") ? Promise.resolve() : this.close();
  }
}
