import { StoreConfigurationError } from "@stowage/core";
import { Keyv } from "keyv";
import { describe, expect, test } from "vitest";
import { KeyvStowage } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString("utf8"));

describe.each(BACKENDS)("namespaces on %s", (kind) => {
  const backend = useBackend(kind);
  let run = 0;
  // Namespace names of their own per test, so the tests never see each other's entries.
  const fresh = (name: string) => `${name}-${++run}`;

  test("Keyv's namespace N is withNamespace(N), its default `keyv` included; keys hold Keyv's serialized string", async () => {
    const name = fresh("cache");
    await new Keyv({ store: new KeyvStowage(backend.store), namespace: name }).set("user:1", { name: "ada" });
    const stored = text(await backend.store.withNamespace(name).get("user:1"));
    expect(JSON.parse(stored!)).toEqual({ value: { name: "ada" }, expires: undefined });

    const keyv = new Keyv({ store: new KeyvStowage(backend.store) });
    await keyv.set("default-ns", "x");
    expect(text(await backend.store.withNamespace("keyv").get("default-ns"))).not.toBeNull();
    await keyv.delete("default-ns");
  });

  test("a Keyv without a namespace uses the store itself, and its clear() leaves child namespaces alone", async () => {
    const root = backend.store.withNamespace(fresh("root"));
    const bare = new Keyv({ store: new KeyvStowage(root), namespace: undefined });
    const named = new Keyv({ store: new KeyvStowage(root), namespace: "cache" });
    await bare.set("a:b", 1);
    await named.set("a:b", 2);
    expect(text(await root.get("a:b"))).toContain('"value":1');
    await bare.clear();
    expect(await bare.get("a:b")).toBeUndefined();
    expect(await named.get("a:b")).toBe(2);
  });

  test("clear() touches only its namespace: never a sibling whose name extends it, nor the store's own entries", async () => {
    const root = backend.store.withNamespace(fresh("clear"));
    await root.set("direct", "kept");
    const cache = new Keyv({ store: new KeyvStowage(root), namespace: "cache" });
    const cache2 = new Keyv({ store: new KeyvStowage(root), namespace: "cache2" });
    const glob = new Keyv({ store: new KeyvStowage(root), namespace: "cach*" });
    await Promise.all([cache.set("k", "a"), cache2.set("k", "b"), glob.set("k", "c")]);
    await glob.clear();
    await cache.clear();
    expect(await cache.get("k")).toBeUndefined();
    expect(await glob.get("k")).toBeUndefined();
    expect(await cache2.get("k")).toBe("b");
    expect(text(await root.get("direct"))).toBe("kept");
  });

  test("two Keyv instances over one adapter stay apart, whichever set the adapter's namespace last", async () => {
    const root = backend.store.withNamespace(fresh("shared"));
    const adapter = new KeyvStowage(root);
    const first = new Keyv({ store: adapter, namespace: "first" });
    const second = new Keyv({ store: adapter, namespace: "second" });
    expect(adapter.namespace).toBe("second");
    await first.set("k", "one");
    await second.set("k", "two");
    expect(await first.get("k")).toBe("one");
    expect(await second.get("k")).toBe("two");
    expect(await first.get(["k"])).toEqual(["one"]);
    expect(await first.has("k")).toBe(true);
    expect(await first.delete("k")).toBe(true);
    expect(await second.get("k")).toBe("two");
    expect(text(await root.withNamespace("first").get("k"))).toBeNull();
    expect(text(await root.withNamespace("second").get("k"))).toContain('"two"');
  });

  test("clear() on an adapter shared by Keyv instances of different namespaces refuses instead of guessing", async () => {
    const root = backend.store.withNamespace(fresh("ambiguous"));
    const adapter = new KeyvStowage(root);
    const first = new Keyv({ store: adapter, namespace: "first", throwOnErrors: true });
    const second = new Keyv({ store: adapter, namespace: "second", throwOnErrors: true });
    await first.set("k", 1);
    await second.set("k", 2);
    const error = await first.clear().catch((caught: unknown) => caught);
    expect(StoreConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("Give each Keyv its own KeyvStowage");
    expect(await first.get("k")).toBe(1);
    expect(await second.get("k")).toBe(2);
  });

  test("two adapters on one store stay apart, clear() included", async () => {
    const root = backend.store.withNamespace(fresh("two-adapters"));
    const first = new Keyv({ store: new KeyvStowage(root), namespace: "first" });
    const second = new Keyv({ store: new KeyvStowage(root), namespace: "second" });
    await first.set("k", "one");
    await second.set("k", "two");
    await first.clear();
    expect(await first.get("k")).toBeUndefined();
    expect(await second.get("k")).toBe("two");
  });

  test("keys and namespace names with ':' and glob characters are kept exactly", async () => {
    const root = backend.store.withNamespace(fresh("chars"));
    const keyv = new Keyv({ store: new KeyvStowage(root), namespace: "a:b" });
    await keyv.set("c:d*?[x]", "v");
    expect(await keyv.get("c:d*?[x]")).toBe("v");
    expect(text(await root.withNamespace("a:b").get("c:d*?[x]"))).toContain('"v"');
    expect(await root.withNamespace("a").exists("b:c:d*?[x]")).toBe(false);
  });

  test("a Keyv whose namespace changes moves to the new namespace, clear() included", async () => {
    const root = backend.store.withNamespace(fresh("rename"));
    const keyv = new Keyv({ store: new KeyvStowage(root), namespace: "before" });
    await keyv.set("k", 1);
    keyv.namespace = "after";
    expect(await keyv.get("k")).toBeUndefined();
    await keyv.set("k", 2);
    await keyv.clear();
    expect(await keyv.get("k")).toBeUndefined();
    expect(await root.withNamespace("before").exists("k")).toBe(true);
  });

  test("useKeyPrefix: false (keys arrive unprefixed) still lands in withNamespace(N)", async () => {
    const root = backend.store.withNamespace(fresh("unprefixed"));
    const keyv = new Keyv({ store: new KeyvStowage(root), namespace: "plain", useKeyPrefix: false });
    await keyv.set("k", "v");
    expect(await keyv.get("k")).toBe("v");
    expect(await root.withNamespace("plain").exists("k")).toBe(true);
  });
});
