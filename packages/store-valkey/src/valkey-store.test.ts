import { InvalidArgumentError, StoreClosedError, StoreConfigurationError, StoreUnavailableError } from "@stowage/core";
import { Valkey } from "iovalkey";
import { ValkeyStore } from "./valkey-store.js";

// No server here: a lazy client never connects, and a client on a closed port fails fast.
// Behaviour against real servers is tested in integration-tests/.
describe("ValkeyStore", () => {
  test("wraps the given client, names itself, and makes namespace views of its own class", async () => {
    const client = new Valkey({ lazyConnect: true });
    const store = new ValkeyStore({ client });
    expect(store.client).toBe(client);
    expect(store.description).toBe("ValkeyStore");
    const view = store.withNamespace("sessions").withNamespace("a:b");
    expect(view).toBeInstanceOf(ValkeyStore);
    expect(view.namespace).toEqual(["sessions", "a:b"]);
    expect(view.description).toBe('ValkeyStore["sessions" > "a:b"]');
    expect(view.redisKey("user:1")).toBe("stowage:sessions:a\\:b|user:1");
    expect(new ValkeyStore({ client, namespace: "app" }).redisKey("k")).toBe("app|k");
    await store.close();
    await expect(view.get("k")).rejects.toBeInstanceOf(StoreClosedError);
    expect(client.status).toBe("wait");
  });

  test("rejects bad options", () => {
    const client = new Valkey({ lazyConnect: true });
    expect(() => new ValkeyStore({ client, namespace: "" })).toThrow(InvalidArgumentError);
    expect(() => new ValkeyStore({ client, operationTimeout: "2 seconds" })).toThrow(InvalidArgumentError);
    expect(() => new ValkeyStore({ client: undefined as never })).toThrow(StoreConfigurationError);
    expect(() => new ValkeyStore({ client: new Valkey({ lazyConnect: true, keyPrefix: "app:" }) })).toThrow(StoreConfigurationError);
    expect(() => ValkeyStore.withClient({ keyPrefix: "app:" })).toThrow(StoreConfigurationError);
    expect(() => ValkeyStore.withClient({ namespace: "" })).toThrow(InvalidArgumentError);
  });

  test("withClient owns its client; with no server, operations reject with StoreUnavailableError and close still ends", async () => {
    // Port 1 on loopback refuses connections.
    const store = ValkeyStore.withClient({ url: "valkey://127.0.0.1:1", operationTimeout: "200ms", disconnectTimeout: 50 });
    expect(store.client).toBeInstanceOf(Valkey);
    const error = await store.get("k").catch((failure: unknown) => failure);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toBeDefined();
    await store.close();
  });

  test("an operationTimeout past what a Node timer holds (2^31-1 ms) is refused, by the constructor and by withClient", () => {
    const client = new Valkey({ lazyConnect: true });
    for (const operationTimeout of ["30d", "25d", 2_147_483.648, 1e12]) {
      expect(() => new ValkeyStore({ client, operationTimeout })).toThrow(InvalidArgumentError);
      // Refused before a client (and its connection) exists.
      expect(() => ValkeyStore.withClient({ operationTimeout, lazyConnect: true })).toThrow(InvalidArgumentError);
    }
  });

  test("the longest operationTimeout a timer holds is accepted, and the connectTimeout derived from it stays valid", async () => {
    for (const operationTimeout of ["24d", 2_147_483.647]) {
      expect(() => new ValkeyStore({ client: new Valkey({ lazyConnect: true }), operationTimeout })).not.toThrow();
      const store = ValkeyStore.withClient({ operationTimeout, lazyConnect: true });
      const connectTimeout = store.client.options.connectTimeout!;
      expect(connectTimeout).toBeGreaterThanOrEqual(1_000);
      expect(connectTimeout).toBeLessThanOrEqual(2 ** 31 - 1);
      await store.close();
    }
    const quick = ValkeyStore.withClient({ operationTimeout: "100ms", lazyConnect: true });
    expect(quick.client.options.connectTimeout).toBe(1_000);
    await quick.close();
  });

  test("options given as undefined are options left out", async () => {
    const store = ValkeyStore.withClient({ url: undefined, namespace: undefined, operationTimeout: undefined, retryStrategy: undefined, lazyConnect: true });
    expect(store.redisKey("k")).toBe("stowage|k");
    expect(store.client.options.retryStrategy?.(3)).toBe(150);
    await store.close();
    expect(new ValkeyStore({ client: new Valkey({ lazyConnect: true }), namespace: undefined, ownsClient: undefined, operationTimeout: undefined }).redisKey("k")).toBe("stowage|k");
  });
});
