import { Cluster as RedisCluster } from "ioredis";
import { Cluster as ValkeyCluster } from "iovalkey";
import { KINDS, freshNamespace, storeOn, useCluster, type AnyClient } from "./stores.js";

/** The primaries of a Cluster client. */
const primaries = (client: AnyClient): AnyClient[] => (client as { nodes(role: "master"): AnyClient[] }).nodes("master");

describe.each(KINDS)("%s Cluster specifics", (kind) => {
  const fixture = useCluster(kind);

  test("deleteAll on a Cluster client that is not ready yet waits for it instead of deleting nothing", async () => {
    const root = freshNamespace("cluster");
    const writer = storeOn(kind, { client: fixture.client, namespace: root });
    const keys = Array.from({ length: 200 }, (_, index) => `k${index}`);
    for (const key of keys) await writer.set(key, "v");
    const nodes = fixture.cluster.nodes.map((node) => ({ host: node.host, port: node.port }));
    const early = kind === "redis" ? new RedisCluster(nodes) : new ValkeyCluster(nodes);
    try {
      await storeOn(kind, { client: early, namespace: root }).deleteAll();
      for (const key of keys) expect(await writer.exists(key)).toBe(false);
    } finally {
      early.disconnect();
    }
  });

  test("scripts flushed from every node are loaded again transparently", async () => {
    const store = storeOn(kind, { client: fixture.client, namespace: freshNamespace("cluster") });
    const keys = Array.from({ length: 30 }, (_, index) => `renew${index}`);
    for (const key of keys) await store.set(key, key, { expiresIn: "1m" });
    for (const key of keys) await store.get(key, { renewFor: "5m" });
    await Promise.all(primaries(fixture.client).map((node) => node.script("FLUSH")));
    for (const key of keys) {
      expect(Buffer.from((await store.get(key, { renewFor: "1h" }))!).toString()).toBe(key);
      expect(await store.expiresIn(key)).toBeGreaterThan(3_000);
    }
    for (const key of keys) expect(await store.increment(`count-${key}`)).toBe(1);
    await Promise.all(primaries(fixture.client).map((node) => node.script("FLUSH")));
    for (const key of keys) expect(await store.increment(`count-${key}`, { by: 2 })).toBe(3);
  });

  test("deleteAll walks every primary and leaves foreign keys in every slot alone", async () => {
    const root = freshNamespace("stowage");
    const store = storeOn(kind, { client: fixture.client, namespace: root });
    const foreign = Array.from({ length: 300 }, (_, index) => [`${root}2|k${index}`, `${root}X${index}`, `other:${index}:${root}`]).flat();
    for (const key of foreign) await fixture.client.set(key, "foreign");
    const owned = Array.from({ length: 300 }, (_, index) => `k${index}`);
    for (const key of owned) await store.withNamespace(`ns${index(key) % 5}`).set(key, "ours");

    await store.deleteAll();

    for (const key of owned) expect(await store.withNamespace(`ns${index(key) % 5}`).exists(key)).toBe(false);
    for (const key of foreign) expect(await fixture.client.get(key)).toBe("foreign");
    // The entries were spread over every primary.
    expect(primaries(fixture.client).length).toBe(3);
  });
});

function index(key: string): number {
  return Number(key.slice(1));
}
