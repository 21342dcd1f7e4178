import calculateSlot from "cluster-key-slot";
import { KINDS, freshNamespace, storeOn, useCluster, useServer, type AnyClient } from "./stores.js";

const PIPELINE_BATCH = 5_000;

/** Groups keys by the Cluster node that owns their slot (a pipeline must stay on one node); one group otherwise. */
function byNode(client: AnyClient, keys: string[]): string[][] {
  if (!client.isCluster) return [keys];
  const slots = (client as { slots: string[][] }).slots;
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const node = slots[calculateSlot(key)]![0]!;
    const group = groups.get(node);
    if (group) group.push(key);
    else groups.set(node, [key]);
  }
  return [...groups.values()];
}

/** Writes `keys` with pipelines of SETs. */
async function fill(client: AnyClient, keys: readonly string[]): Promise<void> {
  for (let start = 0; start < keys.length; start += PIPELINE_BATCH) {
    await Promise.all(
      byNode(client, keys.slice(start, start + PIPELINE_BATCH)).map(async (group) => {
        const pipeline = client.pipeline();
        for (const key of group) pipeline.set(key, "x");
        for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
      }),
    );
  }
}

/** Every key on every primary (with the single-server client: the one server). */
async function allKeys(client: AnyClient): Promise<Set<string>> {
  const servers = client.isCluster ? (client as { nodes(role: "master"): AnyClient[] }).nodes("master") : [client];
  const found = new Set<string>();
  for (const server of servers) {
    let cursor = "0";
    do {
      const [next, keys] = await server.scan(cursor, "COUNT", 5_000);
      cursor = next;
      for (const key of keys) found.add(key);
    } while (cursor !== "0");
  }
  return found;
}

/**
 * Fills `count` entries of namespace `cache` (some in child namespaces) beside `count` keys
 * that must survive (a prefix sibling, another root, other programs' keys), runs deleteAll on
 * `cache`, and checks that exactly the survivors are left.
 */
async function deleteAllBesideOthers(client: AnyClient, kind: "redis" | "valkey", count: number): Promise<void> {
  const root = freshNamespace("scale");
  const store = storeOn(kind, { client, namespace: root });
  const cache = store.withNamespace("cache");
  const doomed = Array.from({ length: count }, (_, index) =>
    index % 10 === 0 ? cache.withNamespace(`child${index % 3}`).redisKey(`k${index}`) : cache.redisKey(`k${index}`),
  );
  const survivors = Array.from({ length: count }, (_, index) => {
    if (index % 4 === 0) return store.withNamespace("cache2").redisKey(`k${index}`);
    if (index % 4 === 1) return `${root}2|k${index}`;
    if (index % 4 === 2) return `${root}:cach|k${index}`;
    return `other-program:${root}:k${index}`;
  });
  await fill(client, doomed);
  await fill(client, survivors);

  await cache.deleteAll();

  const left = await allKeys(client);
  const ours = [...left].filter((key) => key.includes(root));
  expect(ours.length).toBe(survivors.length);
  expect(new Set(ours)).toEqual(new Set(survivors));
  await store.close();
}

describe.each(KINDS)("%s: deleteAll at scale", (kind) => {
  const fixture = useServer(kind);
  test("removes 100,000 entries beside 100,000 keys that all survive", async () => {
    await deleteAllBesideOthers(fixture.client, kind, 100_000);
  }, 60_000);
});

describe.each(KINDS)("%s Cluster: deleteAll at scale", (kind) => {
  const fixture = useCluster(kind);
  test("removes 20,000 entries on every primary beside 20,000 keys that all survive", async () => {
    await deleteAllBesideOthers(fixture.client, kind, 20_000);
  }, 60_000);
});
