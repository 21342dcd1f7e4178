import { InvalidArgumentError, StoreClosedError, StoreConfigurationError } from "@stowage/core";
import { RedisStore } from "@stowage/store-redis";
import { ValkeyStore } from "@stowage/store-valkey";
import { Redis } from "ioredis";
import { Valkey } from "iovalkey";
import { KINDS, connect, eventually, freshNamespace, storeName, storeOn, storeWithClient, useServer } from "./stores.js";

describe.each(KINDS)("%s: construction and closing", (kind) => {
  const fixture = useServer(kind);

  test("a store on the application's client leaves it open on close()", async () => {
    const store = storeOn(kind, { client: fixture.client, namespace: freshNamespace("lifecycle") });
    await store.set("k", "v");
    await store.close();
    await store.close();
    expect(await fixture.client.ping()).toBe("PONG");
    await expect(store.get("k")).rejects.toBeInstanceOf(StoreClosedError);
    expect(StoreClosedError.isInstance(await store.set("k", "v").catch((error: unknown) => error))).toBe(true);
  });

  test("ownsClient: true closes the client with the store", async () => {
    const client = connect(kind, fixture.server);
    const store = storeOn(kind, { client, namespace: freshNamespace("lifecycle"), ownsClient: true });
    await store.set("k", "v");
    await store.close();
    await eventually(async () => expect(client.status).toBe("end"), 20, 50);
    await expect(client.ping()).rejects.toThrow();
  });

  test("withClient makes its own client, exposed read-only, and closes it", async () => {
    const store = storeWithClient(kind, { url: fixture.server.url, namespace: freshNamespace("lifecycle") });
    expect(store.client).toBeInstanceOf(kind === "redis" ? Redis : Valkey);
    expect(store).toBeInstanceOf(kind === "redis" ? RedisStore : ValkeyStore);
    expect(() => {
      (store as { client: unknown }).client = fixture.client;
    }).toThrow(TypeError);
    await store.set("k", "v");
    expect(Buffer.from((await store.get("k"))!).toString()).toBe("v");
    await store.close();
    await eventually(async () => expect(store.client.status).toBe("end"), 20, 50);
  });

  test("closing a namespace closes that view only; closing the root closes every view", async () => {
    const root = storeOn(kind, { client: fixture.client, namespace: freshNamespace("lifecycle"), ownsClient: false });
    const sessions = root.withNamespace("sessions");
    const cache = root.withNamespace("cache");
    expect(sessions).toBeInstanceOf(kind === "redis" ? RedisStore : ValkeyStore);
    expect(sessions.client).toBe(fixture.client);
    expect(sessions.description).toBe(`${storeName(kind)}["sessions"]`);
    await sessions.close();
    await expect(sessions.get("k")).rejects.toBeInstanceOf(StoreClosedError);
    await cache.set("k", "still open");
    await root.set("k", "root too");
    await root.close();
    await expect(cache.get("k")).rejects.toBeInstanceOf(StoreClosedError);
    expect(await fixture.client.ping()).toBe("PONG");
  });

  test("bad options are rejected before anything connects", () => {
    const construct = (options: object) => storeOn(kind, { client: fixture.client, ...options });
    expect(() => construct({ namespace: "" })).toThrow(InvalidArgumentError);
    expect(() => construct({ operationTimeout: "soon" })).toThrow(InvalidArgumentError);
    expect(() => construct({ operationTimeout: 0 })).toThrow(InvalidArgumentError);
    expect(() => construct({ client: { get: () => null } })).toThrow(StoreConfigurationError);
    const prefixed = connect(kind, fixture.server, { keyPrefix: "app:", lazyConnect: true });
    expect(() => construct({ client: prefixed })).toThrow(/keyPrefix/);
    prefixed.disconnect();
    expect(() => storeWithClient(kind, { url: fixture.server.url, keyPrefix: "app:" } as never)).toThrow(StoreConfigurationError);
    expect(() => storeWithClient(kind, { url: fixture.server.url, namespace: "" })).toThrow(InvalidArgumentError);
    expect(() => storeWithClient(kind, { url: fixture.server.url, operationTimeout: "-1s" })).toThrow(InvalidArgumentError);
  });
});
