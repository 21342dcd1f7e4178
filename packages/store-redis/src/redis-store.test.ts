import { InvalidArgumentError, StoreClosedError, StoreConfigurationError, StoreUnavailableError } from "@stowage/core";
import { Redis } from "ioredis";
import { RedisStore } from "./redis-store.js";

// No server here: a lazy client never connects, and a client on a closed port fails fast.
// Behaviour against real servers is tested in integration-tests/.
describe("RedisStore", () => {
  test("wraps the given client, names itself, and makes namespace views of its own class", async () => {
    const client = new Redis({ lazyConnect: true });
    const store = new RedisStore({ client });
    expect(store.client).toBe(client);
    expect(store.description).toBe("RedisStore");
    const view = store.withNamespace("sessions").withNamespace("a:b");
    expect(view).toBeInstanceOf(RedisStore);
    expect(view.namespace).toEqual(["sessions", "a:b"]);
    expect(view.description).toBe('RedisStore["sessions" > "a:b"]');
    expect(view.redisKey("user:1")).toBe("stowage:sessions:a\\:b|user:1");
    expect(new RedisStore({ client, namespace: "app" }).redisKey("k")).toBe("app|k");
    await store.close();
    await expect(view.get("k")).rejects.toBeInstanceOf(StoreClosedError);
    expect(client.status).toBe("wait");
  });

  test("rejects bad options", () => {
    const client = new Redis({ lazyConnect: true });
    expect(() => new RedisStore({ client, namespace: "" })).toThrow(InvalidArgumentError);
    expect(() => new RedisStore({ client, operationTimeout: "2 seconds" })).toThrow(InvalidArgumentError);
    expect(() => new RedisStore({ client: undefined as never })).toThrow(StoreConfigurationError);
    expect(() => new RedisStore({ client: new Redis({ lazyConnect: true, keyPrefix: "app:" }) })).toThrow(StoreConfigurationError);
    expect(() => RedisStore.withClient({ keyPrefix: "app:" })).toThrow(StoreConfigurationError);
    expect(() => RedisStore.withClient({ namespace: "" })).toThrow(InvalidArgumentError);
  });

  test("withClient owns its client; with no server, operations reject with StoreUnavailableError and close still ends", async () => {
    // Port 1 on loopback refuses connections.
    const store = RedisStore.withClient({ url: "redis://127.0.0.1:1", operationTimeout: "200ms", disconnectTimeout: 50 });
    expect(store.client).toBeInstanceOf(Redis);
    const error = await store.get("k").catch((failure: unknown) => failure);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toBeDefined();
    await store.close();
  });

  test("an operationTimeout past what a Node timer holds (2^31-1 ms) is refused, by the constructor and by withClient", () => {
    const client = new Redis({ lazyConnect: true });
    for (const operationTimeout of ["30d", "25d", 2_147_483.648, 1e12]) {
      expect(() => new RedisStore({ client, operationTimeout })).toThrow(InvalidArgumentError);
      // Refused before a client (and its connection) exists.
      expect(() => RedisStore.withClient({ operationTimeout, lazyConnect: true })).toThrow(InvalidArgumentError);
    }
  });

  test("the longest operationTimeout a timer holds is accepted, and the connectTimeout derived from it stays valid", async () => {
    for (const operationTimeout of ["24d", 2_147_483.647]) {
      expect(() => new RedisStore({ client: new Redis({ lazyConnect: true }), operationTimeout })).not.toThrow();
      const store = RedisStore.withClient({ operationTimeout, lazyConnect: true });
      const connectTimeout = store.client.options.connectTimeout!;
      expect(connectTimeout).toBeGreaterThanOrEqual(1_000);
      expect(connectTimeout).toBeLessThanOrEqual(2 ** 31 - 1);
      await store.close();
    }
    const quick = RedisStore.withClient({ operationTimeout: "100ms", lazyConnect: true });
    expect(quick.client.options.connectTimeout).toBe(1_000);
    await quick.close();
  });

  test("options given as undefined are options left out", async () => {
    const store = RedisStore.withClient({ url: undefined, namespace: undefined, operationTimeout: undefined, retryStrategy: undefined, lazyConnect: true });
    expect(store.redisKey("k")).toBe("stowage|k");
    expect(store.client.options.retryStrategy?.(3)).toBe(150);
    await store.close();
    expect(new RedisStore({ client: new Redis({ lazyConnect: true }), namespace: undefined, ownsClient: undefined, operationTimeout: undefined }).redisKey("k")).toBe("stowage|k");
  });
});
