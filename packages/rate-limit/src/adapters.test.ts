import { InvalidArgumentError, MemoryStore, StoreConfigurationError, StoreRegistry } from "@stowage/core";
import { FileStore } from "@stowage/store-file";
import { RateLimitStore, fastifyRateLimitStore, type FastifyRateLimitState, type FastifyRateLimitStore } from "./index.js";

let store: MemoryStore;
beforeEach(() => {
  store = new MemoryStore();
});
afterEach(() => store.close());

describe("RateLimitStore", () => {
  test("localKeys is true over a MemoryStore or a namespace of one, false over anything else, unless told", () => {
    expect(new RateLimitStore({ store }).localKeys).toBe(true);
    expect(new RateLimitStore({ registry: new StoreRegistry({ root: store }) }).localKeys).toBe(true);
    expect(new RateLimitStore({ registry: new StoreRegistry() }).localKeys).toBe(true);
    // A FileStore touches the disk only on its first operation.
    expect(new RateLimitStore({ store: new FileStore({ path: "never-created" }) }).localKeys).toBe(false);
    expect(new RateLimitStore({ store, localKeys: false }).localKeys).toBe(false);
  });

  test("is used only after init, which takes a valid windowMs", async () => {
    const limiter = new RateLimitStore({ store, prefix: "p" });
    expect(limiter.prefix).toBe("p");
    await expect(limiter.increment("x")).rejects.toBeInstanceOf(StoreConfigurationError);
    await expect(limiter.decrement("x")).rejects.toBeInstanceOf(StoreConfigurationError);
    await expect(limiter.resetKey("x")).rejects.toBeInstanceOf(StoreConfigurationError);
    await expect(limiter.get("x")).rejects.toBeInstanceOf(StoreConfigurationError);
    expect(() => limiter.init({ windowMs: 0 })).toThrow(InvalidArgumentError);
    limiter.init({ windowMs: 60_000 });
    const before = Date.now();
    const { totalHits, resetTime } = await limiter.increment("x");
    expect(totalHits).toBe(1);
    expect(resetTime!.getTime()).toBeGreaterThanOrEqual(before + 59_990);
    expect(await limiter.get("x")).toEqual({ totalHits: 1, resetTime: expect.any(Date) });
  });

  test("prefixes and windows keep counters apart", async () => {
    const [a, b, longer] = [new RateLimitStore({ store, prefix: "a" }), new RateLimitStore({ store, prefix: "b" }), new RateLimitStore({ store, prefix: "a" })];
    a.init({ windowMs: 60_000 });
    b.init({ windowMs: 60_000 });
    longer.init({ windowMs: 120_000 });
    await a.increment("x");
    await a.increment("x");
    expect((await b.increment("x")).totalHits).toBe(1);
    expect((await longer.increment("x")).totalHits).toBe(1);
  });
});

describe("fastifyRateLimitStore", () => {
  function call(method: "incr" | "read", target: FastifyRateLimitStore, key: string, timeWindow: number): Promise<FastifyRateLimitState> {
    return new Promise((resolve, reject) => target[method](key, (error, result) => (error ? reject(error) : resolve(result!)), timeWindow, 10));
  }

  test("counts per key and window, reports ttl from the counter, reads without counting", async () => {
    const Store = fastifyRateLimitStore({ store });
    const root = new Store({});
    expect(await call("read", root, "k", 60_000)).toEqual({ current: 0, ttl: 0 });
    const first = await call("incr", root, "k", 60_000);
    expect(first.current).toBe(1);
    expect(first.ttl).toBeGreaterThan(59_900);
    expect(first.ttl).toBeLessThanOrEqual(60_000);
    expect((await call("incr", root, "k", 60_000)).current).toBe(2);
    expect((await call("read", root, "k", 60_000)).current).toBe(2);
    expect((await call("incr", root, "k", 30_000)).current).toBe(1);
  });

  test("each route's child counts on its own; the same route in another store instance shares", async () => {
    const Store = fastifyRateLimitStore({ store });
    const root = new Store({});
    const route = { routeInfo: { method: "GET", url: "/a" } };
    const a = root.child(route);
    const b = root.child({ routeInfo: { method: "GET", url: "/b" } });
    await call("incr", root, "k", 60_000);
    expect((await call("incr", a, "k", 60_000)).current).toBe(1);
    expect((await call("incr", b, "k", 60_000)).current).toBe(1);
    const elsewhere = new (fastifyRateLimitStore({ store }))({}).child(route);
    expect((await call("incr", elsewhere, "k", 60_000)).current).toBe(2);
  });

  test("errors reach the callback; bad options throw", async () => {
    const root = new (fastifyRateLimitStore({ store }))({});
    await expect(call("incr", root, "k", 0)).rejects.toBeInstanceOf(InvalidArgumentError);
    await store.close();
    await expect(call("incr", root, "k", 1_000)).rejects.toThrow(/closed/);
    expect(() => fastifyRateLimitStore({} as never)).toThrow(InvalidArgumentError);
    const Store = fastifyRateLimitStore({ store });
    expect(() => new Store({ continueExceeding: true })).toThrow(StoreConfigurationError);
    expect(() => new Store({}).child({ exponentialBackoff: true })).toThrow(StoreConfigurationError);
  });
});
