import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore, type NamespacedStore } from "@stowage/core";
import { FileStore } from "@stowage/store-file";
import { RedisStore } from "@stowage/store-redis";
import { startServer, type RunningServer } from "@stowage/test-servers";

/** The backends every framework test runs on: one process, one host, many hosts. */
export const BACKENDS = ["memory", "file", "redis"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** The store of a backend, ready inside the tests of the enclosing `describe` block. */
export interface BackendFixture {
  store: NamespacedStore;
  /** The Redis server, for the redis backend. */
  server?: RunningServer;
}

/**
 * Opens a store of `name` before the tests of the enclosing `describe` block (a MemoryStore, a
 * FileStore in a fresh directory, or a RedisStore in a fresh namespace of a real server started
 * for the block) and closes it, and whatever it needed, after them.
 */
export function useBackend(name: BackendName): BackendFixture {
  const fixture = {} as BackendFixture;
  let directory: string | undefined;
  beforeAll(async () => {
    if (name === "memory") fixture.store = new MemoryStore();
    if (name === "file") {
      directory = await mkdtemp(join(tmpdir(), "stowage-rate-limit-"));
      fixture.store = new FileStore({ path: directory });
    }
    if (name === "redis") {
      fixture.server = await startServer("redis");
      fixture.store = RedisStore.withClient({ url: fixture.server.url, namespace: `rate-limit-${randomUUID()}`, operationTimeout: "2s" });
    }
  }, 60_000);
  afterAll(async () => {
    await fixture.store?.close();
    await fixture.server?.stop();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  }, 30_000);
  return fixture;
}
