import type { Socket } from "node:net";
import type { RespStore } from "@stowage/resp-store";
import { RedisStore } from "@stowage/store-redis";
import { ValkeyStore } from "@stowage/store-valkey";
import { sendCommand, type ServerKind } from "@stowage/test-servers";
import { Redis } from "ioredis";
import { Valkey } from "iovalkey";
import {
  KINDS,
  connectSentinel,
  eventually,
  everyOperation,
  freshNamespace,
  outcomeOf,
  sentinelOptions,
  storeOn,
  storeWithClient,
  useSentinel,
  type AnyClient,
  type SentinelFixture,
  BOUND_MS,
  SLACK_MS,
  expectUnavailableWithinBound,
} from "./stores.js";


/** The socket of a single-server or Sentinel client: the connection to the primary. */
const socketOf = (client: AnyClient): Socket => (client as Redis).stream as Socket;

/**
 * A store that makes its own Sentinel client (withClient), with an "error" listener on that client
 * as an application would add: a Sentinel client reports each failed round of reconnecting as an
 * "error" event, which ioredis prints as "Unhandled error event" when nobody listens. The tests
 * observe reconnection through the store's operations instead.
 */
function ownedSentinelStore(kind: ServerKind, fixture: SentinelFixture): RespStore<AnyClient> {
  const store = storeWithClient(kind, { ...sentinelOptions(fixture.sentinel), namespace: freshNamespace("sentinel"), operationTimeout: `${BOUND_MS}ms` });
  (store.client as Redis).on("error", () => undefined);
  return store;
}

const text = (value: Uint8Array | null) => (value === null ? null : Buffer.from(value).toString());

// The tests of a kind share one primary and its three Sentinels, and run in order: the fault
// tests come last.
describe.each(KINDS)("%s through Sentinel", (kind) => {
  const fixture = useSentinel(kind);

  test("the client found the primary through the Sentinels, and the store's entries are on it", async () => {
    const { sentinel, client } = fixture;
    expect((client.options as { sentinels?: unknown[] }).sentinels).toHaveLength(3);
    expect(socketOf(client).remotePort).toBe(sentinel.primary.port);
    const store = storeOn(kind, { client, namespace: freshNamespace("sentinel") });
    await store.set("k", "through sentinel", { expiresIn: "1h" });
    expect(await sendCommand(sentinel.primary.port, ["GET", store.redisKey("k")])).toBe("through sentinel");
    expect(text(await store.get("k", { renewFor: "2h" }))).toBe("through sentinel");
    expect(await store.expiresIn("k")).toBeGreaterThan(3_600);
  });

  test("withClient({ sentinels, name }) makes its own Sentinel client and closes it", async () => {
    const store = storeWithClient(kind, { ...sentinelOptions(fixture.sentinel), namespace: freshNamespace("sentinel") });
    expect(store).toBeInstanceOf(kind === "redis" ? RedisStore : ValkeyStore);
    expect(store.client).toBeInstanceOf(kind === "redis" ? Redis : Valkey);
    expect((store.client.options as { name?: string }).name).toBe(fixture.sentinel.primaryName);
    await store.set("k", "v");
    expect(text(await store.get("k"))).toBe("v");
    expect(socketOf(store.client).remotePort).toBe(fixture.sentinel.primary.port);
    await store.close();
    await eventually(async () => expect(store.client.status).toBe("end"), 20, 50);
  });

  test("commands issued in one tick leave through the corked primary socket and all succeed", async () => {
    const store = storeOn(kind, { client: fixture.client, namespace: freshNamespace("sentinel") });
    const socket = socketOf(fixture.client);
    const cork = jest.spyOn(socket, "cork");
    try {
      const keys = Array.from({ length: 300 }, (_, index) => `k${index}`);
      await Promise.all(keys.map((key) => store.set(key, key)));
      expect(cork).toHaveBeenCalled();
      expect((await Promise.all(keys.map((key) => store.get(key)))).map(text)).toEqual(keys);
      expect(socket.writableCorked).toBe(0);
    } finally {
      cork.mockRestore();
    }
  });

  test("deleteAll removes the namespace and its descendants; foreign keys and prefix siblings survive", async () => {
    const root = freshNamespace("sentinel");
    const store = storeOn(kind, { client: fixture.client, namespace: root });
    const sibling = storeOn(kind, { client: fixture.client, namespace: `${root}2` });
    const foreign = [root, `${root}X`, `${root}_ns|k`, `other:${root}|k`, `x${root}:ns|k`];
    for (const key of foreign) await fixture.client.set(key, "foreign");
    await sibling.set("k", "sibling");
    const owned = Array.from({ length: 2_500 }, (_, index) => `k${index}`);
    await Promise.all(owned.map((key, index) => (index % 2 === 0 ? store : store.withNamespace(`ns${index % 5}`)).set(key, "ours")));

    await store.deleteAll();

    for (const [index, key] of owned.entries()) {
      expect(await (index % 2 === 0 ? store : store.withNamespace(`ns${index % 5}`)).exists(key)).toBe(false);
    }
    for (const key of foreign) expect(await fixture.client.get(key)).toBe("foreign");
    expect(text(await sibling.get("k"))).toBe("sibling");
  });

  test("a paused primary: operations reject with StoreUnavailableError within the bound; then the same stores work", async () => {
    const stores = [
      ownedSentinelStore(kind, fixture),
      storeOn(kind, { client: fixture.client, namespace: freshNamespace("sentinel"), operationTimeout: `${BOUND_MS}ms` }),
    ];
    for (const store of stores) await store.set("paused", "before");
    await fixture.sentinel.primary.pause();
    try {
      expectUnavailableWithinBound(await Promise.all(stores.flatMap((store) => everyOperation(store, "paused").map(outcomeOf))));
    } finally {
      await fixture.sentinel.primary.unpause();
    }
    for (const store of stores) {
      await eventually(() => store.set("paused", "after"));
      expect(text(await store.get("paused"))).toBe("after");
    }
    await stores[0]!.close();
  });

  test("a restarted primary: the clients find it through the Sentinels again and the stores work (scripts reloaded)", async () => {
    const owned = ownedSentinelStore(kind, fixture);
    const stores = [owned, storeOn(kind, { client: fixture.client, namespace: freshNamespace("sentinel"), operationTimeout: `${BOUND_MS}ms` })];
    for (const store of stores) {
      await store.set("restart", "before", { expiresIn: "1m" });
      await store.get("restart", { renewFor: "2m" });
    }
    await fixture.sentinel.primary.restart();
    for (const store of stores) {
      await eventually(() => store.set("restart", "after", { expiresIn: "1m" }));
      expect(text(await store.get("restart", { renewFor: "5m" }))).toBe("after");
      expect(await store.expiresIn("restart")).toBeGreaterThan(120);
      for (const operation of everyOperation(store, "after-restart")) await operation();
    }
    await owned.close();
  });
});

describe.each(KINDS)("%s: Sentinel misconfigured or unreachable", (kind) => {
  const fixture = useSentinel(kind);

  test("an unknown primary name or no reachable Sentinel: StoreUnavailableError within the bound, and close ends", async () => {
    const unknownName = storeWithClient(kind, { ...sentinelOptions(fixture.sentinel), name: "nobody", namespace: freshNamespace("sentinel"), operationTimeout: `${BOUND_MS}ms` });
    // Port 1 on loopback refuses connections.
    const noSentinel = storeWithClient(kind, { sentinels: [{ host: "127.0.0.1", port: 1 }], name: fixture.sentinel.primaryName, operationTimeout: `${BOUND_MS}ms` });
    // The clients report each failed round of asking the Sentinels as an "error" event (ioredis
    // prints "[ioredis] Unhandled error event" when nobody listens): record them from the start.
    const reported = new Map([unknownName, noSentinel].map((store) => [store, [] as string[]]));
    for (const [store, messages] of reported) (store.client as Redis).on("error", (error: Error) => messages.push(error.message));
    for (const store of [unknownName, noSentinel]) {
      const outcomes = await Promise.all(everyOperation(store, "unreachable").map(outcomeOf));
      expectUnavailableWithinBound(outcomes);
      // The client holds the commands while it keeps asking: the store's bound ends them.
      for (const outcome of outcomes) expect((outcome.error as Error).message).toContain(`no answer within ${BOUND_MS} ms`);
      expect(reported.get(store)![0]).toMatch(store === unknownName ? /All sentinels are unreachable.*No such master with that name/ : /All sentinels are unreachable/);
      const closing = await outcomeOf(() => store.close());
      expect(closing.failed).toBe(false);
      expect(closing.elapsedMs).toBeLessThan(BOUND_MS + SLACK_MS);
    }
  });

  test("a dead Sentinel listed first: the client asks the next one and finds the primary", async () => {
    const client: AnyClient = await connectSentinel(kind, {
      sentinels: [{ host: "127.0.0.1", port: 1 }, ...fixture.sentinel.sentinels],
      primaryName: fixture.sentinel.primaryName,
    });
    try {
      expect(socketOf(client).remotePort).toBe(fixture.sentinel.primary.port);
      const store = storeOn(kind, { client, namespace: freshNamespace("sentinel") });
      await store.set("k", "v");
      expect(text(await store.get("k"))).toBe("v");
    } finally {
      client.disconnect();
    }
  });
});
