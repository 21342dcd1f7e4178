import { InvalidArgumentError, MemoryStore, StoreClosedError, StoreUnavailableError } from "@stowage/core";
import { RedisStore } from "@stowage/store-redis";
import { startServer } from "@stowage/test-servers";
import { createCache } from "cache-manager";
import { Keyv } from "keyv";
import { describe, expect, test } from "vitest";
import { KeyvStowage } from "../src/index.js";

// The bound given to the store, and the slack allowed on top of it for a loaded two-core machine.
const BOUND_MS = 500;
const SLACK_MS = 1_500;

/** How `operation` settled, and after how long. */
async function settle(operation: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const start = performance.now();
  const error = await operation().then(() => undefined, (caught: unknown) => caught);
  return { error, elapsedMs: performance.now() - start };
}

describe("errors", () => {
  test("an unavailable Redis: Keyv (throwOnErrors) and cache-manager reject with StoreUnavailableError within the store's bound, and 'error' events carry it", async () => {
    const server = await startServer("redis");
    const store = RedisStore.withClient({ url: server.url, namespace: `keyv-errors-${process.pid}`, operationTimeout: `${BOUND_MS}ms` });
    try {
      const keyv = new Keyv({ store: new KeyvStowage(store), namespace: "down", throwOnErrors: true });
      const events: unknown[] = [];
      keyv.on("error", (error: unknown) => events.push(error));
      await keyv.set("k", "before");
      await server.pause();
      try {
        const cache = createCache({ stores: [keyv] });
        const outcomes = await Promise.all([
          settle(() => keyv.get("k")),
          settle(() => keyv.set("k", "v", 1_000)),
          settle(() => keyv.delete("k")),
          settle(() => keyv.has("k")),
          settle(() => keyv.clear()),
          settle(() => cache.set("k", "v")),
        ]);
        for (const outcome of outcomes) {
          expect(StoreUnavailableError.isInstance(outcome.error)).toBe(true);
          expect(outcome.elapsedMs).toBeLessThan(BOUND_MS + SLACK_MS);
        }
        expect(events.length).toBeGreaterThanOrEqual(outcomes.length);
        expect(events.every((error) => StoreUnavailableError.isInstance(error))).toBe(true);
      } finally {
        await server.unpause();
      }
    } finally {
      await store.close();
      await server.stop();
    }
  });

  test("without throwOnErrors, Keyv's get still reports the failure as an 'error' event", async () => {
    const store = new MemoryStore();
    const adapter = new KeyvStowage(store);
    const keyv = new Keyv({ store: adapter });
    const events: unknown[] = [];
    keyv.on("error", (error: unknown) => events.push(error));
    await store.close();
    expect(await keyv.get("k")).toBeUndefined();
    expect(events).toHaveLength(1);
    expect(StoreClosedError.isInstance(events[0])).toBe(true);
  });

  test("the adapter rejects and emits every failure; off() removes a listener", async () => {
    const store = new MemoryStore();
    const adapter = new KeyvStowage(store);
    const events: unknown[] = [];
    const listener = (error: unknown) => events.push(error);
    adapter.on("error", listener);
    await store.close();
    for (const operation of [() => adapter.set("k", "v"), () => adapter.getMany(["k"]), () => adapter.deleteMany(["k"]), () => adapter.hasMany(["k"])]) {
      expect(StoreClosedError.isInstance(await operation().catch((caught: unknown) => caught))).toBe(true);
    }
    await expect(adapter.iterator("keyv").next()).rejects.toSatisfy((error) => StoreClosedError.isInstance(error));
    expect(events).toHaveLength(5);
    adapter.off("error", listener);
    await adapter.get("k").catch(() => undefined);
    expect(events).toHaveLength(5);
  });

  test("a bad key or store is an InvalidArgumentError / InvalidKeyError, nothing written", async () => {
    const store = new MemoryStore();
    expect(() => new KeyvStowage({} as never)).toThrow(InvalidArgumentError);
    expect(() => new KeyvStowage(store, { ownsStore: "yes" as never })).toThrow(InvalidArgumentError);
    const adapter = new KeyvStowage(store);
    expect(InvalidArgumentError.isInstance(await adapter.get(42 as never).catch((caught: unknown) => caught))).toBe(true);
    const error = await adapter.set("", "v").catch((caught: unknown) => caught);
    expect((error as Error).name).toBe("InvalidKeyError");
    await store.close();
  });

  test("disconnect() closes the store only when the adapter owns it", async () => {
    const shared = new MemoryStore();
    await new Keyv({ store: new KeyvStowage(shared) }).disconnect();
    await shared.set("still", "open");
    const owned = new MemoryStore();
    await new Keyv({ store: new KeyvStowage(owned, { ownsStore: true }) }).disconnect();
    expect(StoreClosedError.isInstance(await owned.get("k").catch((caught: unknown) => caught))).toBe(true);
    await shared.close();
  });
});
