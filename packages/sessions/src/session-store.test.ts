import { InvalidArgumentError, MemoryStore, StoreClosedError, StoreCorruptionError, StoreRegistry } from "@stowage/core";
import session from "express-session";
import { SessionStore, type SessionData } from "./index.js";

const decode = (bytes: Uint8Array | null) => (bytes === null ? null : JSON.parse(Buffer.from(bytes).toString()));
const inMs = (ms: number) => ({ cookie: { expires: new Date(Date.now() + ms), originalMaxAge: ms } });
/** Calls `method` with a Node-style callback and resolves what the callback received. */
const viaCallback = <T>(method: (callback: (error: unknown, result?: T) => void) => unknown) =>
  new Promise<{ error: unknown; result: T | undefined }>((resolve) => method((error, result) => resolve({ error, result })));

describe("SessionStore", () => {
  let memory: MemoryStore;
  let store: SessionStore;
  beforeEach(() => {
    memory = new MemoryStore();
    store = new SessionStore({ store: memory });
  });
  afterEach(() => memory.close());

  test("is an express-session Store, resolved once from a store or a registry (default name sessions)", async () => {
    expect(store).toBeInstanceOf(session.Store);
    expect(store.store).toBe(memory);
    const registry = new StoreRegistry();
    const fromRegistry = new SessionStore({ registry });
    expect(fromRegistry.store).toBe(registry.get("sessions"));
    expect(new SessionStore({ registry, name: "admin_sessions" }).store).toBe(registry.get("admin_sessions"));
    await registry.close();
    expect(() => new SessionStore({ registry })).toThrow(StoreClosedError);
  });

  test("rejects bad options", () => {
    expect(() => new SessionStore(undefined as never)).toThrow(InvalidArgumentError);
    expect(() => new SessionStore({} as never)).toThrow(InvalidArgumentError);
    expect(() => new SessionStore({ store: memory, registry: new StoreRegistry() } as never)).toThrow(InvalidArgumentError);
    expect(() => new SessionStore({ store: {} as never })).toThrow(/SessionStore options.store .*missing: get, set, delete, deleteAll, exists, expiresIn, increment, setIfAbsent, keys, close/);
    expect(() => new SessionStore({ registry: {} as never })).toThrow(InvalidArgumentError);
    expect(() => new SessionStore({ store: memory, name: "sessions" } as never)).toThrow(InvalidArgumentError);
    expect(() => new SessionStore({ store: memory, ttl: 0 })).toThrow(InvalidArgumentError);
    expect(() => new SessionStore({ store: memory, ttl: "1 day" })).toThrow(InvalidArgumentError);
    expect(() => new SessionStore({ store: memory, ttl: "1h" }, "2h")).toThrow(/ttl given once/);
    const registry = new StoreRegistry();
    expect(() => new SessionStore({ registry, ttl: -1 })).toThrow(InvalidArgumentError);
    expect(registry.has("sessions")).toBe(false); // nothing taken from the registry
  });

  test("set and get round-trip JSON under the session id, unchanged; the cookie's dates survive", async () => {
    const id = "sid/../ü:*?[x] 😀";
    const data = { ...inMs(60_000), user: "ada", cart: [1, 2], nested: { a: null } };
    await store.set(id, data);
    expect(decode(await memory.get(id))).toEqual(JSON.parse(JSON.stringify(data)));
    const read = (await store.get(id))!;
    expect(read.user).toBe("ada");
    expect(new Date(read.cookie!.expires as string).getTime()).toBe(data.cookie.expires.getTime());
    expect(read.cookie!.originalMaxAge).toBe(60_000);
    // express-session rebuilds its Cookie from it, the expiry as a Date.
    const rebuilt = store.createSession({ sessionID: id, sessionStore: store }, read);
    expect(rebuilt.cookie.expires).toEqual(data.cookie.expires);
    expect(rebuilt.cookie.originalMaxAge).toBe(60_000);
    expect(await store.get("missing")).toBeNull();
  });

  test("a session lives until its cookie expires, to the millisecond; without expires, for ttl", async () => {
    await store.set("a", inMs(30_000));
    expect(await memory.expiresIn("a")).toBeGreaterThan(29.9);
    expect(await memory.expiresIn("a")).toBeLessThanOrEqual(30);
    await store.set("c", { cookie: { originalMaxAge: null, expires: null } });
    expect(await memory.expiresIn("c")).toBeCloseTo(86_400, 0);
    const short = new SessionStore({ store: memory, ttl: "90s" });
    await short.set("d", { user: "no cookie at all" });
    expect(await memory.expiresIn("d")).toBeCloseTo(90, 0);
    await new SessionStore({ store: memory }, 45).set("d2", { user: "ttl as the second argument" });
    expect(await memory.expiresIn("d2")).toBeCloseTo(45, 0);
    await store.set("e", { cookie: { expires: new Date("2200-01-01").toISOString() } });
    // Capped at the longest expiry a store takes; read a moment later, so up to a second less.
    expect(await memory.expiresIn("e")).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(await memory.expiresIn("e")).toBeGreaterThan(2 ** 31 - 2);
  });

  test("a session whose cookie has already expired is destroyed, not written", async () => {
    await store.set("old", inMs(60_000));
    await store.set("old", inMs(-1));
    expect(await memory.exists("old")).toBe(false);
    await store.set("never", { cookie: { expires: new Date(Date.now() - 60_000) } });
    expect(await memory.exists("never")).toBe(false);
  });

  test("touch moves the expiry of an existing session to its cookie's, without rewriting the value", async () => {
    await store.set("s", { ...inMs(10_000), user: "ada" });
    await store.touch("s", { ...inMs(120_000), user: "changed in memory only" });
    expect(await memory.expiresIn("s")).toBeGreaterThan(119);
    expect(decode(await memory.get("s")).user).toBe("ada");
    await store.touch("s", { user: "no cookie" });
    expect(await memory.expiresIn("s")).toBeCloseTo(86_400, 0);
  });

  test("touch never recreates a destroyed or expired session; an expired cookie destroys it", async () => {
    await store.set("gone", inMs(60_000));
    await store.destroy("gone");
    await store.touch("gone", inMs(60_000));
    expect(await memory.exists("gone")).toBe(false);
    await store.touch("never-stored", inMs(60_000));
    expect(await memory.exists("never-stored")).toBe(false);
    await store.set("short", inMs(20));
    await new Promise((resolve) => setTimeout(resolve, 40)); // expired 20 ms ago at the least
    await store.touch("short", inMs(60_000));
    expect(await memory.exists("short")).toBe(false);
    await store.set("ending", inMs(60_000));
    await store.touch("ending", inMs(-1));
    expect(await memory.exists("ending")).toBe(false);
  });

  test("all, length, ids and clear cover this store's namespace only", async () => {
    const root = new MemoryStore();
    const mine = new SessionStore({ store: root.withNamespace("sessions") });
    const sibling = new SessionStore({ store: root.withNamespace("sessions2") });
    const child = new SessionStore({ store: root.withNamespace("sessions").withNamespace("admin") });
    for (const id of ["a", "b", "c"]) await mine.set(id, { ...inMs(60_000), user: id });
    await sibling.set("a", { ...inMs(60_000), user: "sibling" });
    await child.set("z", { ...inMs(60_000), user: "child" });
    await root.set("loose", "not a session");
    expect(await mine.length()).toBe(3);
    expect((await mine.ids()).sort()).toEqual(["a", "b", "c"]);
    const all = await mine.all();
    expect(Object.keys(all).sort()).toEqual(["a", "b", "c"]);
    expect(all.b!.user).toBe("b");
    await mine.clear();
    expect(await mine.length()).toBe(0);
    expect(await sibling.ids()).toEqual(["a"]);
    expect(await root.exists("loose")).toBe(true);
    await root.close();
  });

  test("an entry that is not a JSON object gives a StoreCorruptionError naming the key, and stays in place", async () => {
    await memory.set("bad", "{ not json");
    await memory.set("array", "[1]");
    await memory.set("bytes", new Uint8Array([0xff, 0xfe]));
    for (const id of ["bad", "array", "bytes"]) {
      const error = await store.get(id).catch((failure: unknown) => failure);
      expect(StoreCorruptionError.isInstance(error)).toBe(true);
      expect((error as StoreCorruptionError).key).toBe(id);
      expect((error as StoreCorruptionError).message).toContain("MemoryStore");
    }
    const { error } = await viaCallback<SessionData>((callback) => store.get("bad", callback));
    expect(StoreCorruptionError.isInstance(error)).toBe(true);
    expect(StoreCorruptionError.isInstance(await store.all().catch((failure: unknown) => failure))).toBe(true);
    expect(await memory.exists("bad")).toBe(true);
  });

  test("bad session data rejects with InvalidArgumentError and writes nothing", async () => {
    const circular: Record<string, unknown> = { ...inMs(60_000) };
    circular.self = circular;
    await expect(store.set("x", circular)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.set("x", { cookie: { expires: "not a date" } })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.touch("x", { cookie: { expires: "not a date" } })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.set("x", null as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.set("", inMs(60_000))).rejects.toThrow(/key/i);
    expect(await memory.exists("x")).toBe(false);
  });

  test("every method takes a callback and also returns a promise; failures reach both", async () => {
    expect(await viaCallback((callback) => store.set("s", inMs(60_000), callback))).toEqual({ error: null, result: undefined });
    expect((await viaCallback<SessionData>((callback) => store.get("s", callback))).result?.cookie?.originalMaxAge).toBe(60_000);
    expect(await viaCallback((callback) => store.touch("s", inMs(60_000), callback))).toEqual({ error: null, result: undefined });
    expect(await viaCallback((callback) => store.length(callback))).toEqual({ error: null, result: 1 });
    expect(await viaCallback((callback) => store.ids(callback))).toEqual({ error: null, result: ["s"] });
    expect(Object.keys((await viaCallback<Record<string, SessionData>>((callback) => store.all(callback))).result!)).toEqual(["s"]);
    expect(await viaCallback((callback) => store.destroy("s", callback))).toEqual({ error: null, result: undefined });
    expect(await viaCallback((callback) => store.clear(callback))).toEqual({ error: null, result: undefined });
    expect(await viaCallback<SessionData>((callback) => store.get("s", callback))).toEqual({ error: null, result: null });

    await memory.close();
    const unhandled = jest.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const { error } = await viaCallback((callback) => store.set("s", inMs(60_000), callback));
      expect(StoreClosedError.isInstance(error)).toBe(true);
      // The promise returned alongside a callback rejects too, for whoever awaits it...
      await expect(store.get("s", () => undefined)).rejects.toBeInstanceOf(StoreClosedError);
      // ...and is never reported as unhandled when only the callback listens.
      store.touch("s", inMs(60_000), () => undefined);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });
});
