import { InvalidArgumentError } from "@stowage/core";
import type { RespStore } from "@stowage/resp-store";
import { Keyv } from "keyv";
import { describe, expect, test } from "vitest";
import { KeyvStowage } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

describe.each(BACKENDS)("TTL on %s", (kind) => {
  const backend = useBackend(kind);

  test("Keyv's TTL in milliseconds becomes the entry's expiry in the store", async () => {
    const keyv = new Keyv({ store: new KeyvStowage(backend.store), namespace: "ttl" });
    await keyv.set("short", "v", 60_000);
    await keyv.set("forever", "v");
    const left = await backend.store.withNamespace("ttl").expiresIn("short");
    // Generous lower bound: a loaded machine may take seconds between the set and this read.
    expect(left).toBeGreaterThan(30);
    expect(left).toBeLessThanOrEqual(60);
    expect(await backend.store.withNamespace("ttl").expiresIn("forever")).toBeNull();
  });

  test("Keyv's default ttl applies, and a later set without TTL clears the expiry", async () => {
    const keyv = new Keyv({ store: new KeyvStowage(backend.store), namespace: "ttl-default", ttl: 120_000 });
    await keyv.set("k", "v");
    expect(await backend.store.withNamespace("ttl-default").expiresIn("k")).toBeGreaterThan(60);
    keyv.ttl = undefined;
    await keyv.set("k", "v");
    expect(await backend.store.withNamespace("ttl-default").expiresIn("k")).toBeNull();
  });

  test("an expired entry is gone from the store itself, not only hidden by Keyv's check", async () => {
    const keyv = new Keyv({ store: new KeyvStowage(backend.store), namespace: "ttl-gone" });
    await keyv.set("k", "v", 50);
    // 50 ms of TTL, 400 ms of wait: the margin covers timer and server-expiry granularity.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await backend.store.withNamespace("ttl-gone").exists("k")).toBe(false);
  });

  test("a TTL that is not a positive number rejects with InvalidArgumentError and writes nothing", async () => {
    const adapter = new KeyvStowage(backend.store);
    for (const ttl of [-1, Number.NaN, Number.POSITIVE_INFINITY, "1s" as unknown as number]) {
      const error = await adapter.set("bad-ttl", "v", ttl).catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
    }
    expect(await backend.store.exists("bad-ttl")).toBe(false);
  });

  if (kind === "redis" || kind === "valkey") {
    test("the Redis key has a PTTL", async () => {
      const keyv = new Keyv({ store: new KeyvStowage(backend.store), namespace: "pttl" });
      await keyv.set("k", "v", 90_000);
      const redisKey = (backend.store.withNamespace("pttl") as RespStore<never>).redisKey("k");
      const pttl = await backend.client!.pttl(redisKey);
      expect(pttl).toBeGreaterThan(30_000);
      expect(pttl).toBeLessThanOrEqual(90_000);
    });
  }
});
