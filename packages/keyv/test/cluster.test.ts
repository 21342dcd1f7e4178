import keyvTestSuite, { keyvIteratorTests } from "@keyv/test-suite";
import { RedisStore } from "@stowage/store-redis";
import { startCluster, type RunningCluster } from "@stowage/test-servers";
import { Cluster } from "ioredis";
import { Keyv } from "keyv";
import * as vitest from "vitest";
import { KeyvStowage } from "../src/index.js";

// Keyv's suite over a RedisStore on a three-primary Redis Cluster: keys spread over every
// primary, and clear() and the iterator must reach all of them (@keyv/valkey reaches one node).
vitest.describe("Keyv's test suite on a Redis Cluster", () => {
  let cluster: RunningCluster;
  let client: Cluster;
  let store: RedisStore;
  vitest.beforeAll(async () => {
    cluster = await startCluster("redis", { primaries: 3 });
    client = new Cluster(cluster.nodes.map((node) => ({ host: node.host, port: node.port })));
    await new Promise<void>((resolve, reject) => {
      client.once("ready", resolve);
      client.once("error", reject);
    });
    store = new RedisStore({ client, namespace: "keyv-cluster" });
  }, 120_000);
  vitest.afterAll(async () => {
    await store?.close();
    // A Cluster client left open after its nodes stop retries forever: disconnect it first.
    client?.disconnect();
    await cluster?.stop();
  }, 60_000);

  keyvTestSuite(vitest, Keyv, () => new KeyvStowage(store));
  keyvIteratorTests(vitest, Keyv, () => new KeyvStowage(store));

  vitest.test("clear() and the iterator reach keys on every primary", async () => {
    const keyv = new Keyv({ store: new KeyvStowage(store), namespace: "spread" });
    const keys = Array.from({ length: 60 }, (_, index) => `key-${index}`);
    await Promise.all(keys.map((key) => keyv.set(key, key)));
    const listed: string[] = [];
    for await (const [key] of keyv.iterator!(undefined)) listed.push(key as string);
    vitest.expect(listed.sort()).toEqual([...keys].sort());
    await keyv.clear();
    vitest.expect(await keyv.get(keys)).toEqual(keys.map(() => undefined));
  });
});
