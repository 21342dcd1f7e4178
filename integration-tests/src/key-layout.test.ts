import { StoreConfigurationError } from "@stowage/core";
import type { RespStore } from "@stowage/resp-store";
import { KINDS, freshNamespace, storeOn, useServer, type AnyClient } from "./stores.js";

/** Every key of the server that starts with `start`, sorted. */
async function keysStartingWith(client: AnyClient, start: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "COUNT", 1000);
    cursor = next;
    found.push(...keys.filter((key) => key.startsWith(start)));
  } while (cursor !== "0");
  return found.sort();
}

describe.each(KINDS)("%s: the key layout seen from a raw client", (kind) => {
  const fixture = useServer(kind);
  const stores: RespStore<AnyClient>[] = [];
  const open = (namespace: string | null) => {
    const store = storeOn(kind, { client: fixture.client, namespace });
    stores.push(store);
    return store;
  };
  afterAll(() => Promise.all(stores.map((store) => store.close())));

  test("entries are <namespace path>|<key>, names escaped, keys as given, values as bytes", async () => {
    const root = freshNamespace("layout");
    const store = open(root);
    await store.set("user:1", "ada");
    await store.withNamespace("sessions").set("abc", Buffer.from([0, 255, 10]));
    await store.withNamespace("a:b|c\\d").withNamespace("e").set("k|:*", "x");

    expect(await keysStartingWith(fixture.client, root)).toEqual(
      [`${root}|user:1`, `${root}:sessions|abc`, `${root}:a\\:b\\|c\\\\d:e|k|:*`].sort(),
    );
    expect(await fixture.client.get(`${root}|user:1`)).toBe("ada");
    expect(await fixture.client.getBuffer(`${root}:sessions|abc`)).toEqual(Buffer.from([0, 255, 10]));
    expect(store.withNamespace("sessions").redisKey("abc")).toBe(`${root}:sessions|abc`);
  });

  test("what another program writes under the layout reads back through the store", async () => {
    const root = freshNamespace("layout");
    await fixture.client.set(`${root}:jobs|42`, "queued", "PX", 60_000);
    const jobs = open(root).withNamespace("jobs");
    expect(Buffer.from((await jobs.get("42"))!).toString()).toBe("queued");
    expect(await jobs.expiresIn("42")).toBeGreaterThan(50);
  });

  test("a value under our key that is not a string is reported as corruption, not returned", async () => {
    const root = freshNamespace("layout");
    await fixture.client.hset(`${root}|hash`, "field", "value");
    const store = open(root);
    await expect(store.get("hash")).rejects.toMatchObject({ name: "StoreCorruptionError", key: "hash", path: `${root}|hash` });
    await expect(store.get("hash", { renewFor: "1m" })).rejects.toMatchObject({ name: "StoreCorruptionError" });
    // set replaces whatever was there, as SET does.
    await store.set("hash", "now a string");
    expect(Buffer.from((await store.get("hash"))!).toString()).toBe("now a string");
  });

  test("deleteAll leaves foreign keys, prefix siblings and glob look-alikes alone", async () => {
    const root = freshNamespace("stowage");
    // Keys of other programs and of roots that share the first letters: no deleteAll of ours touches them.
    const foreign = [`${root}2:x`, `${root}X`, `${root}2|x`, root, `other:${root}|x`, "session:123", "stowage2:x", "stowageX"];
    // Keys in the root's own space beside namespace "cache": its siblings, which only the root's deleteAll removes.
    const siblings = [`${root}:cache2|k`, `${root}:cache2:deeper|k`, `${root}:cach|k`, `${root}:cache*|k`, `${root}:[c]ache|k`, `${root}:cacheX|k`];
    for (const key of [...foreign, ...siblings]) await fixture.client.set(key, "foreign");
    const store = open(root);
    await store.withNamespace("cache2").set("kept", "sibling");
    await store.withNamespace("cache*").set("kept", "glob name");
    const cache = store.withNamespace("cache");
    for (const key of ["a", "*", "?", "[a-z]", "\\", "k|x", "k:x"]) {
      await cache.set(key, "doomed");
      await cache.withNamespace("child").set(key, "doomed too");
    }

    await cache.deleteAll();

    expect(await keysStartingWith(fixture.client, `${root}:cache:`)).toEqual([]);
    expect(await keysStartingWith(fixture.client, `${root}:cache|`)).toEqual([]);
    for (const key of [...foreign, ...siblings]) expect(await fixture.client.get(key)).toBe("foreign");
    expect(Buffer.from((await store.withNamespace("cache2").get("kept"))!).toString()).toBe("sibling");
    expect(Buffer.from((await store.withNamespace("cache*").get("kept"))!).toString()).toBe("glob name");

    await store.deleteAll();
    expect(await keysStartingWith(fixture.client, `${root}|`)).toEqual([]);
    expect(await keysStartingWith(fixture.client, `${root}:`)).toEqual([]);
    for (const key of foreign) expect(await fixture.client.get(key)).toBe("foreign");
    await fixture.client.unlink(...foreign);
  });

  test("namespace: null stores keys exactly as given and refuses deleteAll and withNamespace", async () => {
    const bare = open(null);
    const key = `${freshNamespace("bare")}:plain key`;
    await bare.set(key, "shared with other programs", { expiresIn: "1m" });
    expect(await fixture.client.get(key)).toBe("shared with other programs");
    expect(bare.redisKey(key)).toBe(key);
    await expect(bare.deleteAll()).rejects.toBeInstanceOf(StoreConfigurationError);
    expect(await fixture.client.exists(key)).toBe(1);
    expect(() => bare.withNamespace("x")).toThrow(StoreConfigurationError);
    await bare.delete(key);
    expect(await fixture.client.exists(key)).toBe(0);
  });
});
