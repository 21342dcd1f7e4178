import { BaseStore } from "./base-store.js";
import { ownedCopy } from "./bytes.js";

/**
 * A third-party backend that keeps the array `set` hands it, as the default `copiesValues`
 * allows, and records every array it was given.
 */
class KeepingStore extends BaseStore {
  protected readonly kind = "KeepingStore";
  readonly given: Uint8Array[] = [];
  readonly #entries = new Map<string, Uint8Array>();

  constructor() {
    super();
  }

  protected createChild(): BaseStore {
    throw new Error("not needed here");
  }
  protected readEntry(key: string): Uint8Array | null {
    return this.#entries.get(key) ?? null;
  }
  protected writeEntry(key: string, value: Uint8Array): void {
    this.given.push(value);
    this.#entries.set(key, value);
  }
  protected writeEntryIfAbsent(key: string, value: Uint8Array): boolean {
    this.given.push(value);
    if (this.#entries.has(key)) return false;
    this.#entries.set(key, value);
    return true;
  }
  protected incrementEntry(): number {
    return 0;
  }
  protected async *listKeys(): AsyncGenerator<readonly string[]> {
    yield [...this.#entries.keys()];
  }
  protected deleteEntry(key: string): void {
    this.#entries.delete(key);
  }
  protected deleteAllEntries(): void {
    this.#entries.clear();
  }
  protected hasEntry(key: string): boolean {
    return this.#entries.has(key);
  }
  protected entryTtl(): number | null {
    return null;
  }
}

describe("BaseStore's default copy of values", () => {
  test("each value a backend receives owns its memory, for bytes and strings alike", async () => {
    const store = new KeepingStore();
    const pooled = Buffer.from("pooled"); // a slice of Node's shared pool
    await store.set("a", pooled);
    await store.set("b", "text");
    await store.setIfAbsent("c", pooled);
    await store.setIfAbsent("d", "text");
    expect(store.given).toHaveLength(4);
    for (const value of store.given) {
      expect(value).not.toBe(pooled);
      expect(value.byteOffset).toBe(0);
      expect(value.buffer.byteLength).toBe(value.byteLength);
    }
  });

  test("changing the caller's array or its pool after set never reaches the backend's copy", async () => {
    const store = new KeepingStore();
    const pooled = Buffer.from("pooled");
    await store.set("a", pooled);
    const pool = new Uint8Array(pooled.buffer);
    const saved = pool.slice(); // the shared pool is put back before anything else runs
    pool.fill(0);
    const copy = Buffer.from(store.given[0]!).toString();
    pool.set(saved);
    expect(copy).toBe("pooled");
  });
});

describe("ownedCopy", () => {
  test("copies a view of a larger buffer into a Buffer of exactly its own bytes", () => {
    const chunk = Buffer.from("$4\r\naaaa\r\n$4\r\nbbbb\r\n", "latin1"); // as a client's read chunk holds two replies
    const view = chunk.subarray(4, 8);
    const copy = ownedCopy(view);
    expect(Buffer.isBuffer(copy)).toBe(true);
    expect(copy.toString()).toBe("aaaa");
    expect(copy.buffer.byteLength).toBe(4);
    chunk.fill(0);
    expect(copy.toString()).toBe("aaaa");
    expect(ownedCopy(new Uint8Array(0)).buffer.byteLength).toBe(0);
  });
});
