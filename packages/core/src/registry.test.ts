import { DuplicateStoreError } from "./errors/duplicate-store-error.js";
import { InvalidArgumentError } from "./errors/invalid-argument-error.js";
import { StoreClosedError } from "./errors/store-closed-error.js";
import { MemoryStore } from "./memory-store.js";
import { StoreRegistry } from "./registry.js";

describe("StoreRegistry", () => {
  test("returns the stores it was given", () => {
    const sessions = new MemoryStore();
    const registry = new StoreRegistry({ stores: { sessions } });
    expect(registry.get("sessions")).toBe(sessions);
    expect(registry.has("sessions")).toBe(true);
  });

  test("the default factory makes each name once", async () => {
    const root = new MemoryStore();
    const made: string[] = [];
    const registry = new StoreRegistry({
      defaultFactory: (name) => {
        made.push(name);
        return root.withNamespace(name);
      },
    });
    expect(registry.has("rate_limit")).toBe(false);
    const first = registry.get("rate_limit");
    expect(registry.get("rate_limit")).toBe(first);
    expect(registry.has("rate_limit")).toBe(true);
    expect(made).toEqual(["rate_limit"]);
    await first.set("k", "v");
    expect(await root.withNamespace("rate_limit").get("k")).toEqual(Buffer.from("v"));
  });

  test("without a factory, each name gets its own MemoryStore", async () => {
    const registry = new StoreRegistry();
    const a = registry.get("a");
    const b = registry.get("b");
    expect(a).toBeInstanceOf(MemoryStore);
    expect(a).not.toBe(b);
    await a.set("k", "1");
    expect(await b.exists("k")).toBe(false);
  });

  test("register refuses a taken name unless allowed to override", () => {
    const registry = new StoreRegistry();
    const first = new MemoryStore();
    const second = new MemoryStore();
    registry.register("cache", first);
    expect(() => registry.register("cache", second)).toThrow(DuplicateStoreError);
    expect(() => registry.register("cache", second, { allowOverride: false })).toThrow(/allowOverride/);
    expect(registry.get("cache")).toBe(first);
    registry.register("cache", second, { allowOverride: true });
    expect(registry.get("cache")).toBe(second);
  });

  test("a factory-made name counts as taken", () => {
    const registry = new StoreRegistry();
    registry.get("sessions");
    expect(() => registry.register("sessions", new MemoryStore())).toThrow(DuplicateStoreError);
  });

  test("close closes every store, factory-made ones included, and is idempotent", async () => {
    const given = new MemoryStore();
    const registry = new StoreRegistry({ stores: { given, alias: given } });
    const made = registry.get("made");
    await registry.close();
    await registry.close();
    await expect(given.get("k")).rejects.toThrow(StoreClosedError);
    await expect(made.get("k")).rejects.toThrow(StoreClosedError);
    expect(() => registry.get("made")).toThrow(StoreClosedError);
  });

  test("close reports stores that fail to close, after closing the others", async () => {
    const healthy = new MemoryStore();
    const failing = new MemoryStore();
    failing.close = () => Promise.reject(new Error("boom"));
    const registry = new StoreRegistry({ stores: { healthy, failing } });
    await expect(registry.close()).rejects.toThrow(AggregateError);
    expect(healthy.closed).toBe(true);
  });

  test("await using closes the registry", async () => {
    const store = new MemoryStore();
    {
      await using registry = new StoreRegistry({ stores: { store } });
      expect(registry.get("store")).toBe(store);
    }
    expect(store.closed).toBe(true);
  });
});

describe("StoreRegistry input checks", () => {
  test("rejects what is not a store, from register and from the factory, registering nothing", () => {
    const registry = new StoreRegistry({ defaultFactory: () => ({}) as never });
    expect(() => registry.register("x", { get() {} } as never)).toThrow(InvalidArgumentError);
    expect(registry.has("x")).toBe(false);
    expect(() => registry.get("y")).toThrow(/missing: get, set/);
    expect(registry.has("y")).toBe(false);
  });

  test("rejects bad options and names", () => {
    expect(() => new StoreRegistry(null as never)).toThrow(InvalidArgumentError);
    expect(() => new StoreRegistry({ defaultFactory: "memory" as never })).toThrow(InvalidArgumentError);
    expect(() => new StoreRegistry().get("")).toThrow(InvalidArgumentError);
  });
});
