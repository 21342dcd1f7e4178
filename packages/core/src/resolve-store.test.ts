import { InvalidArgumentError } from "./errors/invalid-argument-error.js";
import { StoreClosedError } from "./errors/store-closed-error.js";
import { MemoryStore } from "./memory-store.js";
import { StoreRegistry } from "./registry.js";
import { resolveStore } from "./resolve-store.js";

let store: MemoryStore;
beforeEach(() => {
  store = new MemoryStore();
});
afterEach(() => store.close());

function rejection(options: unknown): InvalidArgumentError {
  try {
    resolveStore(options, "sessions", "SessionStore");
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error("resolveStore accepted the options");
}

describe("resolveStore", () => {
  test("returns the given store, ignoring the integration's other options", () => {
    expect(resolveStore({ store, ttl: "1h" }, "sessions", "SessionStore")).toBe(store);
  });

  test("takes the default name from a registry, or the given one, once", async () => {
    const made: string[] = [];
    const registry = new StoreRegistry({ defaultFactory: (name) => (made.push(name), store.withNamespace(name)) });
    const sessions = resolveStore({ registry }, "sessions", "SessionStore");
    expect(sessions).toBe(registry.get("sessions"));
    expect(resolveStore({ registry, name: undefined }, "sessions", "SessionStore")).toBe(sessions);
    expect(resolveStore({ registry, name: "admin" }, "sessions", "SessionStore")).toBe(registry.get("admin"));
    expect(made).toEqual(["sessions", "admin"]);
    await registry.close();
  });

  test("passes on what the registry throws", async () => {
    const registry = new StoreRegistry();
    await registry.close();
    expect(() => resolveStore({ registry }, "sessions", "SessionStore")).toThrow(StoreClosedError);
  });

  test.each([
    ["no options", undefined, "SessionStore options"],
    ["options that are not an object", "sessions", "SessionStore options"],
    ["neither store nor registry", {}, "SessionStore options"],
    ["a store that is not one", { store: { get: () => null } }, "SessionStore options.store"],
    ["a registry without get", { registry: {} }, "SessionStore options.registry"],
    ["an empty name", { registry: new StoreRegistry(), name: "" }, "SessionStore options.name"],
    ["a name that is not a string", { registry: new StoreRegistry(), name: 7 }, "SessionStore options.name"],
  ])("rejects %s, naming the integration and the option", (_label, options, argument) => {
    const error = rejection(options);
    expect(error.argument).toBe(argument);
    expect(error.message).toContain(argument);
  });

  test("rejects both a store and a registry, or a name beside a store, and takes nothing from the registry", () => {
    const registry = new StoreRegistry();
    expect(rejection({ store, registry }).expected).toMatch(/exactly one of store and registry/);
    expect(rejection({ store, name: "sessions" }).argument).toBe("SessionStore options.name");
    expect(rejection({ registry, name: "" }).expected).toMatch(/non-empty string, or undefined for "sessions"/);
    expect(registry.has("sessions")).toBe(false);
  });

  test("names every operation a store lacks, also for a registry's store", () => {
    expect(rejection({ store: { get: () => null } }).expected).toBe(
      "a Stowage Store (missing: set, delete, deleteAll, exists, expiresIn, increment, setIfAbsent, keys, close)",
    );
    const partial = { get() {}, set() {}, delete() {}, deleteAll() {}, exists() {}, expiresIn() {}, close() {} };
    // StoreRegistry itself refuses such a store, so a registry-like object hands it out here.
    expect(() => new StoreRegistry({ stores: { sessions: partial as never } })).toThrow(/missing: increment, setIfAbsent, keys/);
    const error = rejection({ registry: { get: () => partial } });
    expect(error.argument).toBe('SessionStore store "sessions" of options.registry');
    expect(error.expected).toBe("a Stowage Store (missing: increment, setIfAbsent, keys)");
  });
});
