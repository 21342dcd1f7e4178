import { json, text, typed } from "./codec.js";
import { InvalidArgumentError } from "./errors/invalid-argument-error.js";
import { StoreCorruptionError } from "./errors/store-corruption-error.js";
import { MemoryStore } from "./memory-store.js";

interface Session {
  user: string;
  roles: string[];
}

describe("codecs and typed views", () => {
  test("json round-trips structured values through bytes", async () => {
    const store = new MemoryStore();
    const sessions = typed(store, json<Session>());
    await sessions.set("s1", { user: "ada", roles: ["admin"] }, { expiresIn: "1h" });
    expect(await sessions.get("s1")).toEqual({ user: "ada", roles: ["admin"] });
    expect(Buffer.from((await store.get("s1"))!).toString()).toBe('{"user":"ada","roles":["admin"]}');
    expect(await sessions.expiresIn("s1")).toBeGreaterThan(3_599);
    expect(await sessions.exists("s1")).toBe(true);
    await sessions.delete("s1");
    expect(await sessions.get("s1")).toBeNull();
    await sessions.set("s2", { user: "bob", roles: [] });
    await store.withNamespace("other").set("s2", "kept");
    await sessions.deleteAll();
    expect(await sessions.exists("s2")).toBe(false);
    expect(await store.withNamespace("other").exists("s2")).toBe(false); // deleteAll of the root reaches its namespaces
    const child = typed(store.withNamespace("child"), json<Session>());
    await child.set("c", { user: "cy", roles: [] });
    await store.set("root-entry", "x");
    await child.deleteAll();
    expect(await store.exists("root-entry")).toBe(true);
  });

  test("text round-trips strings, including astral characters", async () => {
    const notes = typed(new MemoryStore(), text());
    await notes.set("n", "héllo 😀");
    expect(await notes.get("n")).toBe("héllo 😀");
  });

  test("bytes that do not decode raise StoreCorruptionError", async () => {
    const store = new MemoryStore();
    await store.set("bad-json", "{not json");
    await store.set("bad-utf8", new Uint8Array([0xff, 0xfe]));
    await expect(typed(store, json()).get("bad-json")).rejects.toThrow(StoreCorruptionError);
    await expect(typed(store, text()).get("bad-utf8")).rejects.toThrow(StoreCorruptionError);
  });

  test("values a codec cannot encode are rejected before anything is written", async () => {
    const store = new MemoryStore();
    await expect(typed(store, json()).set("k", undefined)).rejects.toThrow(InvalidArgumentError);
    await expect(typed(store, text()).set("k", 5 as unknown as string)).rejects.toThrow(InvalidArgumentError);
    expect(await store.exists("k")).toBe(false);
  });

  test.each([
    ["a BigInt", () => ({ count: 10n })],
    ["a cyclic value", () => {
      const cyclic: Record<string, unknown> = { name: "loop" };
      cyclic.self = cyclic;
      return cyclic;
    }],
    ["a toJSON that throws", () => ({ toJSON: () => { throw new RangeError("no"); } })],
  ])("json rejects %s with InvalidArgumentError (JSON's error as cause) and writes nothing", async (_label, make) => {
    const store = new MemoryStore();
    const error = await typed(store, json()).set("k", make()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).cause).toBeInstanceOf(Error);
    expect((error as InvalidArgumentError).argument).toBe("value");
    expect(await store.exists("k")).toBe(false);
    expect(store.size).toBe(0);
  });

  test("text keeps a leading byte order mark", async () => {
    const store = new MemoryStore();
    const notes = typed(store, text());
    await notes.set("bom", "\uFEFFhi");
    expect(await notes.get("bom")).toBe("\uFEFFhi");
    expect([...(await store.get("bom"))!]).toEqual([0xef, 0xbb, 0xbf, 0x68, 0x69]);
    await store.set("raw", new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]));
    expect(await notes.get("raw")).toBe("\uFEFF{}");
    expect(await typed(store, json()).get("raw")).toEqual({}); // JSON from a program that writes a BOM still parses
  });
});
