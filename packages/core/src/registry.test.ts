import { DuplicateStoreError } from "./errors/duplicate-store-error.js";
import { InvalidArgumentError } from "./errors/invalid-argument-error.js";
import { StoreClosedError } from "./errors/store-closed-error.js";
import { MemoryStore } from "./memory-store.js";
import { StoreRegistry } from "./registry.js";
import type { Store } from "./store.js";

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

describe("StoreRegistry with a root", () => {
  /** Records the order in which `stores` are closed, each under its label. */
  function recordCloses(stores: Record<string, Store>): string[] {
    const order: string[] = [];
    for (const [label, store] of Object.entries(stores)) {
      const close = store.close.bind(store);
      store.close = () => {
        order.push(label);
        return close();
      };
    }
    return order;
  }

  test("an unregistered name gets root.withNamespace(name), made once", async () => {
    const root = new MemoryStore();
    const registry = new StoreRegistry({ root });
    const sessions = registry.get<MemoryStore>("sessions");
    expect(sessions.namespace).toEqual(["sessions"]);
    expect(registry.get("sessions")).toBe(sessions);
    expect(registry.has("sessions")).toBe(true);
    await sessions.set("sid", "data");
    expect(await root.withNamespace("sessions").get("sid")).toEqual(Buffer.from("data"));
    expect(await root.exists("sid")).toBe(false);
  });

  test("registered stores still win over the root", () => {
    const given = new MemoryStore();
    const registry = new StoreRegistry({ root: new MemoryStore(), stores: { cache: given } });
    expect(registry.get("cache")).toBe(given);
  });

  test("close closes the views, then the root, once", async () => {
    const root = new MemoryStore();
    const registry = new StoreRegistry({ root });
    const sessions = registry.get("sessions");
    const cache = registry.get("cache");
    const order = recordCloses({ root, sessions, cache });
    await registry.close();
    await registry.close();
    expect(order).toEqual(["sessions", "cache", "root"]);
    expect(root.closed).toBe(true);
    await expect(root.get("k")).rejects.toThrow(StoreClosedError);
  });

  test("the root is closed even when a view fails to close, and the failure is reported", async () => {
    const root = new MemoryStore();
    const registry = new StoreRegistry({ root });
    registry.get("failing").close = () => Promise.reject(new Error("boom"));
    await expect(registry.close()).rejects.toThrow(AggregateError);
    expect(root.closed).toBe(true);
  });

  test("a root nobody asked a store of is closed too", async () => {
    const root = new MemoryStore();
    await new StoreRegistry({ root }).close();
    expect(root.closed).toBe(true);
  });

  test("with root and defaultFactory, the factory makes the stores and close still closes the root", async () => {
    const root = new MemoryStore();
    const elsewhere = new MemoryStore();
    const registry = new StoreRegistry({ root, defaultFactory: (name) => elsewhere.withNamespace(`app-${name}`) });
    const made = registry.get<MemoryStore>("sessions");
    expect(made.namespace).toEqual(["app-sessions"]);
    const order = recordCloses({ root, made });
    await registry.close();
    expect(order).toEqual(["made", "root"]);
    expect(root.closed).toBe(true);
    expect(elsewhere.closed).toBe(false); // the factory's own root is the application's to close
  });

  test("await using closes the views and the root", async () => {
    const root = new MemoryStore();
    {
      await using registry = new StoreRegistry({ root });
      await registry.get("sessions").set("k", "v");
    }
    expect(root.closed).toBe(true);
  });

  test("a root that is not a NamespacedStore is rejected", () => {
    const plain = new MemoryStore();
    const notNamespaced = {
      get: plain.get.bind(plain),
      set: plain.set.bind(plain),
      delete: plain.delete.bind(plain),
      deleteAll: plain.deleteAll.bind(plain),
      exists: plain.exists.bind(plain),
      expiresIn: plain.expiresIn.bind(plain),
      increment: plain.increment.bind(plain),
      setIfAbsent: plain.setIfAbsent.bind(plain),
      keys: plain.keys.bind(plain),
      close: plain.close.bind(plain),
    };
    expect(() => new StoreRegistry({ root: notNamespaced as never })).toThrow(InvalidArgumentError);
    expect(() => new StoreRegistry({ root: notNamespaced as never })).toThrow(/NamespacedStore/);
    expect(() => new StoreRegistry({ root: "redis://localhost" as never })).toThrow(InvalidArgumentError);
    expect(() => new StoreRegistry({ root: null as never })).toThrow(InvalidArgumentError);
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
