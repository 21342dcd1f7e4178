import { BaseStore, addToCounter, decodeCounter, encodeCounter } from "@stowage/core";

/**
 * An entry; `expiresAt` is in epoch milliseconds, undefined for no expiry. `added` says when its
 * key entered the map (an overwrite keeps it, as the map keeps the key's place).
 */
type Entry = { value: Uint8Array; expiresAt: number | undefined; added: number };
/** One namespace: its own entries, and its child namespaces by name. */
type Node = { entries: Map<string, Entry>; children: Map<string, Node> };

const newNode = (): Node => ({ entries: new Map(), children: new Map() });

/** Counts keys entering any map; keys() skips those that entered after it started. */
let additions = 0;

function clear(node: Node): void {
  node.entries.clear();
  for (const child of node.children.values()) clear(child);
}

/** A minimal in-memory store: BaseStore checks the arguments, this class only keeps entries. */
export class MapStore extends BaseStore {
  protected readonly kind = "MapStore";
  readonly #node: Node;

  /** @param parent - how `withNamespace` makes a view; applications leave it out. */
  constructor(parent?: { store: MapStore; name: string }) {
    super(parent);
    if (!parent) {
      this.#node = newNode();
      return;
    }
    // A tree of nodes keeps (namespace path, key) → entry injective, with no escaping at all.
    const siblings = parent.store.#node.children;
    this.#node = siblings.get(parent.name) ?? newNode();
    siblings.set(parent.name, this.#node);
  }

  protected createChild(name: string): MapStore {
    return new MapStore({ store: this, name });
  }

  /** The entry of `key` unless it is missing or expired (an expired one is dropped on the way). */
  #live(key: string): Entry | undefined {
    const entry = this.#node.entries.get(key);
    if (entry?.expiresAt === undefined || entry.expiresAt > Date.now()) return entry;
    this.#node.entries.delete(key);
    return undefined;
  }

  protected readEntry(key: string, renewMs: number | undefined): Uint8Array | null {
    const entry = this.#live(key);
    if (!entry) return null;
    if (renewMs !== undefined && entry.expiresAt !== undefined) entry.expiresAt = Date.now() + renewMs;
    return entry.value.slice(); // the caller's own copy
  }

  protected writeEntry(key: string, value: Uint8Array, ttlMs: number | undefined): void {
    // `value` is already the store's own copy, made by BaseStore.
    this.#put(key, value, ttlMs === undefined ? undefined : Date.now() + ttlMs);
  }

  #put(key: string, value: Uint8Array, expiresAt: number | undefined): void {
    const added = this.#node.entries.get(key)?.added ?? ++additions;
    this.#node.entries.set(key, { value, expiresAt, added });
  }

  // Every method runs to completion without awaiting, so within one process each is atomic.
  protected incrementEntry(key: string, by: number, ttlMs: number | undefined): number {
    const entry = this.#live(key);
    const next = addToCounter(decodeCounter(entry?.value ?? null, key, this.description), by, key, this.description);
    // A live counter keeps its expiry; only a new one gets `ttlMs`.
    const expiresAt = entry ? entry.expiresAt : ttlMs === undefined ? undefined : Date.now() + ttlMs;
    this.#put(key, encodeCounter(next), expiresAt);
    return next;
  }

  protected writeEntryIfAbsent(key: string, value: Uint8Array, ttlMs: number | undefined): boolean {
    if (this.#live(key)) return false;
    this.writeEntry(key, value, ttlMs);
    return true;
  }

  protected async *listKeys(): AsyncGenerator<readonly string[]> {
    // A Map's iterator survives entries being added and removed between batches. A key deleted
    // and set again during the walk moves to the end of the map: skipping keys that entered
    // after the start keeps it from being yielded twice.
    const start = additions;
    let batch: string[] = [];
    for (const [key, entry] of this.#node.entries) {
      if (entry.added > start || (entry.expiresAt !== undefined && entry.expiresAt <= Date.now())) continue;
      batch.push(key);
      if (batch.length === 500) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  protected deleteEntry(key: string): void {
    this.#node.entries.delete(key);
  }

  protected deleteAllEntries(): void {
    clear(this.#node);
  }

  protected hasEntry(key: string): boolean {
    return this.#live(key) !== undefined;
  }

  protected entryTtl(key: string): number | null {
    const expiresAt = this.#live(key)?.expiresAt;
    return expiresAt === undefined ? null : expiresAt - Date.now();
  }

  protected override closeRoot(): void {
    clear(this.#node);
  }
}
