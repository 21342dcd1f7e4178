import { InvalidArgumentError, StoreClosedError, StoreCorruptionError } from "@stowage/core";
import { KINDS, freshNamespace, storeOn, storeWithClient, useCluster, useServer, type AnyClient } from "./stores.js";

const MAX = Number.MAX_SAFE_INTEGER;
const text = (value: Uint8Array | null): string | null => (value === null ? null : Buffer.from(value).toString());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sets `k0`..`k<count-1>`, 500 at a time. */
async function setMany(store: { set(key: string, value: string): Promise<void> }, count: number): Promise<void> {
  for (let start = 0; start < count; start += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - start) }, (_, offset) => store.set(`k${start + offset}`, "v")));
  }
}

async function collect(iterator: AsyncIterable<string>): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of iterator) keys.push(key);
  return keys.sort();
}

/** The behaviour of increment, setIfAbsent and keys() on one kind of server and topology. */
function describeAtomicOperations(label: string, client: () => AnyClient, kind: (typeof KINDS)[number]): void {
  const store = () => storeOn(kind, { client: client(), namespace: freshNamespace(label) });

  test("increment creates, counts and stores decimal text; a live entry keeps its PTTL exactly", async () => {
    const counters = store();
    expect(await counters.increment("n")).toBe(1);
    expect(await counters.increment("n", { by: -5 })).toBe(-4);
    expect(text(await counters.get("n"))).toBe("-4");
    expect(await counters.expiresIn("n")).toBeNull();

    expect(await counters.increment("window", { expiresIn: "1h" })).toBe(1);
    const redisKey = counters.redisKey("window");
    await client().pexpire(redisKey, 3_600_000 - 12_345);
    const before = await client().pttl(redisKey);
    expect(await counters.increment("window", { by: 2, expiresIn: "1d" })).toBe(3);
    const after = await client().pttl(redisKey);
    // KEEPTTL: the expiry is the same absolute time, so PTTL only went down by the time elapsed.
    expect(after).toBeLessThanOrEqual(before);
    expect(before - after).toBeLessThan(1_000);

    await counters.set("set-as-text", "41");
    expect(await counters.increment("set-as-text")).toBe(42);
  });

  test("increment works across the whole ±(2^53-1) range, exactly", async () => {
    const counters = store();
    expect(await counters.increment("top", { by: MAX - 1 })).toBe(MAX - 1);
    expect(await counters.increment("top")).toBe(MAX);
    expect(text(await counters.get("top"))).toBe("9007199254740991");
    expect(await counters.increment("top", { by: -MAX })).toBe(0);
    expect(text(await counters.get("top"))).toBe("0");
    expect(await counters.increment("bottom", { by: -MAX })).toBe(-MAX);
    expect(text(await counters.get("bottom"))).toBe("-9007199254740991");
    expect(await counters.increment("bottom", { by: MAX })).toBe(0);
    await counters.set("odd", "9007199254740989");
    expect(await counters.increment("odd", { by: 1 })).toBe(9007199254740990);
    expect(await counters.increment("odd", { by: 0 })).toBe(9007199254740990);
  });

  test("increment refuses overflow and non-counters with InvalidArgumentError, changing nothing (expiry included)", async () => {
    const counters = store();
    await counters.increment("full", { by: MAX, expiresIn: "1h" });
    const ttl = await counters.expiresIn("full");
    await expect(counters.increment("full")).rejects.toBeInstanceOf(InvalidArgumentError);
    await counters.increment("low", { by: -MAX });
    await expect(counters.increment("low", { by: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(text(await counters.get("low"))).toBe(String(-MAX));
    expect(text(await counters.get("full"))).toBe(String(MAX));
    expect(await counters.expiresIn("full")).toBeLessThanOrEqual(ttl!);
    expect(await counters.expiresIn("full")).toBeGreaterThan(3_500);

    const bad = ["4.5", "abc", "", "+1", "01", "-0", "1e3", " 1", "1 ", "9007199254740992", "-9007199254740992", "99999999999999999", "\u0000"];
    for (const value of bad) {
      await counters.set("bad", value, { expiresIn: "1h" });
      const error = await counters.increment("bad").catch((failure: unknown) => failure);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(text(await counters.get("bad"))).toBe(value);
      expect(await counters.expiresIn("bad")).toBeGreaterThan(3_500);
    }
    await counters.client.hset(counters.redisKey("hash"), "field", "1");
    await expect(counters.increment("hash")).rejects.toBeInstanceOf(StoreCorruptionError);
  });

  test("many increments in flight on one client move the counter by exactly their sum", async () => {
    const counters = store();
    const values = await Promise.all(Array.from({ length: 200 }, () => counters.increment("hits", { by: 3, expiresIn: "1m" })));
    expect(values.sort((left, right) => left - right)).toEqual(Array.from({ length: 200 }, (_, index) => 3 * (index + 1)));
  });

  test("setIfAbsent: one winner, the existing entry and its expiry untouched, an expired one counts as absent", async () => {
    const locks = store();
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, index) => locks.setIfAbsent("lock", `owner-${index}`, { expiresIn: "1h" })));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(text(await locks.get("lock"))).toBe(`owner-${outcomes.indexOf(true)}`);
    expect(await locks.expiresIn("lock")).toBeGreaterThan(3_500);

    expect(await locks.setIfAbsent("forever", new Uint8Array([0, 255]))).toBe(true);
    expect(await locks.setIfAbsent("forever", "other", { expiresIn: "1s" })).toBe(false);
    expect(await locks.get("forever")).toEqual(Buffer.from([0, 255]));
    expect(await locks.expiresIn("forever")).toBeNull();

    // 30 ms expiry, then 150 ms of margin for a loaded machine before the second call.
    expect(await locks.setIfAbsent("short", "first", { expiresIn: "30ms" })).toBe(true);
    await sleep(150);
    expect(await locks.setIfAbsent("short", "second")).toBe(true);
    expect(text(await locks.get("short"))).toBe("second");
  });

  test("keys() yields this namespace's live keys exactly as set, never a parent's, child's or sibling's", async () => {
    const root = store();
    const awkward = ["a", "b:c", "|", "x|y", "*", "?", "[ab]", "\\", "é 🎉", "line\nbreak", "a b"];
    const cache = root.withNamespace("cache");
    for (const key of awkward) {
      await cache.set(key, "v");
      await root.set(key, "root");
      await cache.withNamespace("child").set(key, "child");
      await root.withNamespace("cache2").set(key, "sibling");
      await root.withNamespace("cach*").set(key, "glob sibling");
    }
    await cache.set("gone", "v", { expiresIn: "20ms" });
    await root.withNamespace("cache|x").set("k", "v");
    await root.withNamespace("cache:x").set("k", "v");
    // 20 ms expiry, waited out with 150 ms of margin.
    await sleep(170);
    expect(await collect(cache.keys())).toEqual([...awkward].sort());
    expect(await collect(root.keys())).toEqual([...awkward].sort());
    expect(await collect(cache.withNamespace("child").keys())).toEqual([...awkward].sort());
    expect(await collect(root.withNamespace("cach*").keys())).toEqual([...awkward].sort());
    expect(await collect(root.withNamespace("empty").keys())).toEqual([]);
  });

  test("keys() works in batches over thousands of keys, stops cleanly on break, and rejects after close", async () => {
    const many = store();
    const count = 3_000;
    await setMany(many, count);
    const seen = new Set(await collect(many.keys()));
    expect(seen.size).toBe(count);

    let taken = 0;
    for await (const key of many.keys()) {
      expect(key.startsWith("k")).toBe(true);
      if (++taken === 10) break;
    }
    const iterator = many.keys();
    await iterator.next();
    await many.close();
    await expect(iterator.next()).rejects.toBeInstanceOf(StoreClosedError);
    await expect(many.keys().next()).rejects.toBeInstanceOf(StoreClosedError);
  });
}

describe.each(KINDS)("%s, single server: increment, setIfAbsent, keys()", (kind) => {
  const fixture = useServer(kind);
  describeAtomicOperations("atomic", () => fixture.client, kind);

  test("keys() on a store that owns its client rejects with StoreClosedError once closed mid-iteration", async () => {
    const store = storeWithClient(kind, { url: `redis://${fixture.server.host}:${fixture.server.port}`, namespace: freshNamespace("owned") });
    await setMany(store, 2_500);
    const iterator = store.keys();
    await iterator.next();
    await store.close();
    await expect(iterator.next()).rejects.toBeInstanceOf(StoreClosedError);
  });
});

describe.each(KINDS)("%s, the bare keyspace (namespace: null): keys()", (kind) => {
  const fixture = useServer(kind);

  test("lists the keys of the whole database as they are, skipping names no set could have written", async () => {
    const bare = storeOn(kind, { client: fixture.client, namespace: null });
    const mine = [`bare-${Math.random()}`, "bare:with|layout*chars", "é 🎉 bare"];
    for (const key of mine) await bare.set(key, "v");
    await fixture.client.set(Buffer.from([0x62, 0xff, 0xfe]), "not UTF-8");
    const listed = new Set(await collect(bare.keys()));
    for (const key of mine) expect(listed.has(key)).toBe(true);
    expect([...listed].some((key) => key.includes("\ufffd"))).toBe(false);
    expect(await bare.increment(mine[0]!).catch((error: unknown) => error)).toBeInstanceOf(InvalidArgumentError);
  });
});

describe.each(KINDS)("%s, three-primary Cluster: increment, setIfAbsent, keys()", (kind) => {
  const fixture = useCluster(kind);
  describeAtomicOperations("cluster-atomic", () => fixture.client, kind);
});
