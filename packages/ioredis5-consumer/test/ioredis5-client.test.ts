import { InvalidArgumentError, StoreUnavailableError } from "@stowage/core";
import { RedisStore } from "@stowage/store-redis";
import { startServer, type RunningServer } from "@stowage/test-servers";
import { Redis } from "ioredis";

// The store at run time on an ioredis 5 client (RESP2, its own parser and defineCommand), against
// a real Redis: every operation, the scripts included, works as it does on ioredis 6.
describe("RedisStore on an ioredis 5 client", () => {
  let server: RunningServer;
  let client: Redis;

  beforeAll(async () => {
    server = await startServer("redis");
    client = new Redis({ host: server.host, port: server.port, maxRetriesPerRequest: 1, disconnectTimeout: 50 });
  }, 60_000);
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  test("is ioredis 5", () => {
    expect((require("ioredis/package.json") as { version: string }).version).toMatch(/^5\./);
  });

  test("every operation, increment, setIfAbsent and keys() included", async () => {
    const store = new RedisStore({ client, namespace: `v5-${Date.now()}` });
    const view = store.withNamespace("a");
    await view.set("k", new Uint8Array([0, 255]), { expiresIn: "1m" });
    expect(await view.get("k", { renewFor: "2m" })).toEqual(Buffer.from([0, 255]));
    expect(await view.expiresIn("k")).toBeGreaterThan(60);
    expect(await view.exists("k")).toBe(true);
    expect(await view.increment("n", { by: Number.MAX_SAFE_INTEGER - 1, expiresIn: "1m" })).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(await view.increment("n")).toBe(Number.MAX_SAFE_INTEGER);
    await expect(view.increment("n")).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await Promise.all([view.setIfAbsent("lock", "a"), view.setIfAbsent("lock", "b")])).toEqual([true, false]);
    await store.withNamespace("a").withNamespace("child").set("hidden", "v");
    const keys: string[] = [];
    for await (const key of view.keys()) keys.push(key);
    expect(keys.sort()).toEqual(["k", "lock", "n"]);
    await store.deleteAll();
    expect(await view.exists("k")).toBe(false);
    await store.close();
  });

  test("a refused connection names ECONNREFUSED on an ioredis 5 client too", async () => {
    const refused = new Redis({ host: "127.0.0.1", port: 1, maxRetriesPerRequest: 1, disconnectTimeout: 50 });
    const store = new RedisStore({ client: refused, operationTimeout: "1s" });
    const error = await store.get("k").catch((failure: unknown) => failure);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("ECONNREFUSED 127.0.0.1:1");
    refused.disconnect();
  });
});
