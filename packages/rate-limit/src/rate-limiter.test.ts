import { InvalidArgumentError, InvalidKeyError, MemoryStore, StoreClosedError, StoreRegistry } from "@stowage/core";
import { RateLimiter } from "./index.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let store: MemoryStore;
beforeEach(() => {
  store = new MemoryStore();
});
afterEach(() => store.close());

async function allKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.keys()) keys.push(key);
  return keys;
}

describe("hit", () => {
  test("counts every hit, denied ones too, and reports limit, remaining and the window's end", async () => {
    const limiter = new RateLimiter({ store, limit: 2, window: "1m" });
    const before = Date.now();
    const results = [await limiter.hit("ada"), await limiter.hit("ada"), await limiter.hit("ada"), await limiter.hit("ada")];
    expect(results.map(({ allowed, count, remaining, limit }) => ({ allowed, count, remaining, limit }))).toEqual([
      { allowed: true, count: 1, remaining: 1, limit: 2 },
      { allowed: true, count: 2, remaining: 0, limit: 2 },
      { allowed: false, count: 3, remaining: 0, limit: 2 },
      { allowed: false, count: 4, remaining: 0, limit: 2 },
    ]);
    for (const result of results) {
      expect(result.resetAt.getTime()).toBeGreaterThanOrEqual(before + 60_000 - 5);
      expect(result.resetAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    }
    expect((await limiter.hit("grace")).count).toBe(1);
  });

  test("a window is anchored at its first hit, never extended, and ends with its counter", async () => {
    // 600 ms windows; the checks leave hundreds of milliseconds of margin either way.
    const limiter = new RateLimiter({ store, limit: 100, window: "600ms" });
    const first = await limiter.hit("id");
    await sleep(300);
    const later = await limiter.hit("id");
    expect(later.count).toBe(2);
    // Both ends come from the counter's expiry (millisecond resolution), read at each hit.
    expect(Math.abs(later.resetAt.getTime() - first.resetAt.getTime())).toBeLessThanOrEqual(2);
    const [key] = await allKeys();
    expect(await store.expiresIn(key!)).toBeLessThanOrEqual(0.31);
    await sleep(400);
    expect(await limiter.get("id")).toBeNull();
    const next = await limiter.hit("id");
    expect(next.count).toBe(1);
    expect(next.resetAt.getTime()).toBeGreaterThan(first.resetAt.getTime() + 300);
  });

  test("a window reset and started again by another limiter (another process) is reported as it is", async () => {
    const here = new RateLimiter({ store, limit: 100, window: "10s" });
    const elsewhere = new RateLimiter({ store, limit: 100, window: "10s" });
    await here.hit("id");
    await here.hit("id");
    // 400 ms later the other limiter ends the window and starts a new one with more hits.
    await sleep(400);
    await elsewhere.reset("id");
    for (let i = 0; i < 5; i++) await elsewhere.hit("id");
    const next = await here.hit("id");
    expect(next.count).toBe(6);
    // The new window's end, not the old one's (which was about 400 ms earlier).
    expect(next.resetAt.getTime()).toBeGreaterThan(Date.now() + 10_000 - 300);
  });

  test("across 12,000 ids, counts and window ends stay right", async () => {
    const limiter = new RateLimiter({ store, limit: 5, window: "1m" });
    const first = await limiter.hit("id-0");
    for (let i = 1; i < 12_000; i++) await limiter.hit(`id-${i}`);
    const again = await limiter.hit("id-0");
    expect(again.count).toBe(2);
    expect(Math.abs(again.resetAt.getTime() - first.resetAt.getTime())).toBeLessThan(50);
    expect((await limiter.hit("id-11999")).count).toBe(2);
  });

  test("every counter has an expiry", async () => {
    const limiter = new RateLimiter({ store, limit: 1, window: 30 });
    for (const id of ["a", "b", "c"]) for (let i = 0; i < 3; i++) await limiter.hit(id);
    await limiter.decrement("a");
    for (const key of await allKeys()) expect(await store.expiresIn(key)).toBeGreaterThan(29);
  });

  test("limiters with different prefixes or windows never share counters; the same ones do", async () => {
    const a = new RateLimiter({ store, limit: 5, window: "1m", prefix: "a" });
    const ab = new RateLimiter({ store, limit: 5, window: "1m", prefix: "ab" });
    const a2m = new RateLimiter({ store, limit: 5, window: "2m", prefix: "a" });
    const plain = new RateLimiter({ store, limit: 5, window: "1m" });
    const twin = new RateLimiter({ store, limit: 9, window: 60, prefix: "a" });
    expect((await a.hit("bc")).count).toBe(1);
    expect((await ab.hit("c")).count).toBe(1);
    expect((await a2m.hit("bc")).count).toBe(1);
    expect((await plain.hit("abc")).count).toBe(1);
    expect((await twin.hit("bc")).count).toBe(2);
    expect(await allKeys()).toHaveLength(4);
  });

  test("works through a registry, on its rate_limit store by default", async () => {
    const registry = new StoreRegistry({ stores: { rate_limit: store } });
    await new RateLimiter({ registry, limit: 1, window: "1m" }).hit("x");
    expect(await allKeys()).toHaveLength(1);
    const other = new StoreRegistry();
    const limiter = new RateLimiter({ registry: other, name: "api_limits", limit: 1, window: "1m" });
    await limiter.hit("x");
    expect(other.has("api_limits")).toBe(true);
    await other.close();
  });

  test("rejects with the store's error, never allowing or denying", async () => {
    const limiter = new RateLimiter({ store, limit: 1, window: "1m" });
    await store.close();
    await expect(limiter.hit("x")).rejects.toBeInstanceOf(StoreClosedError);
    await expect(limiter.get("x")).rejects.toBeInstanceOf(StoreClosedError);
    await expect(limiter.decrement("x")).rejects.toBeInstanceOf(StoreClosedError);
    await expect(limiter.reset("x")).rejects.toBeInstanceOf(StoreClosedError);
  });

  test("an id that makes no valid key rejects with InvalidKeyError", async () => {
    const limiter = new RateLimiter({ store, limit: 1, window: "1m" });
    await expect(limiter.hit("\ud800")).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(limiter.hit(42 as unknown as string)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect((await limiter.hit("")).count).toBe(1);
  });
});

describe("get, decrement and reset", () => {
  test("get reads the window without counting", async () => {
    const limiter = new RateLimiter({ store, limit: 1, window: "1m" });
    expect(await limiter.get("x")).toBeNull();
    const hit = await limiter.hit("x");
    await limiter.hit("x");
    const seen = await limiter.get("x");
    expect(seen).toMatchObject({ count: 2, allowed: false, remaining: 0, limit: 1 });
    expect(Math.abs(seen!.resetAt.getTime() - hit.resetAt.getTime())).toBeLessThan(50);
    expect((await limiter.get("x"))!.count).toBe(2);
  });

  test("decrement takes one hit back, never below zero, and keeps the window", async () => {
    const limiter = new RateLimiter({ store, limit: 2, window: "1m" });
    const first = await limiter.hit("x");
    await limiter.hit("x");
    expect(await limiter.decrement("x")).toBe(1);
    expect(await limiter.decrement("x")).toBe(0);
    expect(await limiter.decrement("x")).toBe(0);
    const [key] = await allKeys();
    expect(Buffer.from((await store.get(key!))!).toString()).toBe("0");
    const next = await limiter.hit("x");
    expect(next.count).toBe(1);
    expect(Math.abs(next.resetAt.getTime() - first.resetAt.getTime())).toBeLessThan(50);
  });

  test("decrement never creates a counter, not even after the window ended", async () => {
    const limiter = new RateLimiter({ store, limit: 2, window: "200ms" });
    expect(await limiter.decrement("never")).toBeNull();
    await limiter.hit("ended");
    await sleep(300);
    expect(await limiter.decrement("ended")).toBeNull();
    expect(await allKeys()).toEqual([]);
    expect(await limiter.get("ended")).toBeNull();
  });

  test("concurrent decrements of one counter stop at zero and leave no negative count", async () => {
    const limiter = new RateLimiter({ store, limit: 5, window: "1m" });
    for (let i = 0; i < 3; i++) await limiter.hit("x");
    await Promise.all(Array.from({ length: 10 }, () => limiter.decrement("x")));
    expect((await limiter.get("x"))!.count).toBe(0);
    const [key] = await allKeys();
    expect(Buffer.from((await store.get(key!))!).toString()).toBe("0");
  });

  test("reset starts a new window at the next hit", async () => {
    const limiter = new RateLimiter({ store, limit: 1, window: "1m" });
    await limiter.hit("x");
    await limiter.hit("x");
    await limiter.reset("x");
    expect(await limiter.get("x")).toBeNull();
    expect((await limiter.hit("x")).allowed).toBe(true);
  });
});

describe("bad input", () => {
  test.each([0, -1, 1.5, Number.NaN, Infinity, 2 ** 53, "5", undefined, null])("limit %p is rejected", (limit) => {
    expect(() => new RateLimiter({ store, limit: limit as number, window: "1m" })).toThrow(InvalidArgumentError);
  });

  test.each([0, -1, Number.NaN, Infinity, "1 minute", "1.5s", "", 2 ** 31, undefined, null, {}])("window %p is rejected", (window) => {
    expect(() => new RateLimiter({ store, limit: 1, window: window as string })).toThrow(InvalidArgumentError);
  });

  test("store options must name exactly one store", () => {
    const registry = new StoreRegistry();
    expect(() => new RateLimiter({ limit: 1, window: 1 } as never)).toThrow(InvalidArgumentError);
    expect(() => new RateLimiter({ store, registry, limit: 1, window: 1 } as never)).toThrow(InvalidArgumentError);
    expect(() => new RateLimiter({ registry, name: "", limit: 1, window: 1 })).toThrow(InvalidArgumentError);
    expect(() => new RateLimiter({ store: {} as MemoryStore, limit: 1, window: 1 })).toThrow(InvalidArgumentError);
    expect(() => new RateLimiter({ store, limit: 1, window: 1, prefix: 7 as unknown as string })).toThrow(InvalidArgumentError);
    expect(() => new RateLimiter(undefined as never)).toThrow(InvalidArgumentError);
  });
});
