import { createCache } from "cache-manager";
import { Keyv } from "keyv";
import { describe, expect, test } from "vitest";
import { KeyvStowage } from "../src/index.js";
import { useBackend } from "./backends.js";

describe("cache-manager 7 over KeyvStowage(RedisStore)", () => {
  const backend = useBackend("redis");
  const cacheOn = (namespace: string) =>
    createCache({ stores: [new Keyv({ store: new KeyvStowage(backend.store), namespace })] });

  test("get, set, del and ttl", async () => {
    const cache = cacheOn("cm-basic");
    expect(await cache.get("missing")).toBeUndefined();
    const before = Date.now();
    await cache.set("user", { id: 1 }, 60_000);
    expect(await cache.get("user")).toEqual({ id: 1 });
    const expires = await cache.ttl("user");
    expect(expires).toBeGreaterThanOrEqual(before + 60_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 60_000);
    // The expiry reached the server, not only cache-manager's envelope.
    expect(await backend.store.withNamespace("cm-basic").expiresIn("user")).toBeGreaterThan(30);
    await cache.del("user");
    expect(await cache.get("user")).toBeUndefined();
    expect(await backend.store.withNamespace("cm-basic").exists("user")).toBe(false);
  });

  test("wrap computes once, for concurrent callers and later ones", async () => {
    const cache = cacheOn("cm-wrap");
    let computed = 0;
    const compute = async () => {
      computed++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { answer: 42 };
    };
    const first = await Promise.all(Array.from({ length: 10 }, () => cache.wrap("answer", compute, 60_000)));
    expect(first).toEqual(Array.from({ length: 10 }, () => ({ answer: 42 })));
    expect(await cache.wrap("answer", compute, 60_000)).toEqual({ answer: 42 });
    // A second cache (another process would be the same) finds the value in Redis.
    expect(await cacheOn("cm-wrap").wrap("answer", compute, 60_000)).toEqual({ answer: 42 });
    expect(computed).toBe(1);
  });

  test("clear() of one cache leaves another cache's entries", async () => {
    const one = cacheOn("cm-one");
    const two = cacheOn("cm-one2");
    await one.set("k", 1);
    await two.set("k", 2);
    await one.clear();
    expect(await one.get("k")).toBeUndefined();
    expect(await two.get("k")).toBe(2);
  });
});
