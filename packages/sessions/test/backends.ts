import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NamespacedStore } from "@stowage/core";
import { FileStore } from "@stowage/store-file";
import { MemoryStore } from "@stowage/store-memory";
import { RedisStore } from "@stowage/store-redis";
import { startServer, type RunningServer } from "@stowage/test-servers";

/** The backends every framework test runs against. */
export type Backend = "memory" | "file" | "redis";
export const BACKENDS: readonly Backend[] = ["memory", "file", "redis"];

/** A fresh root store of one backend, for the enclosing `describe` block. */
export interface BackendFixture {
  /** A new root store on the shared storage (a fresh namespace each time for Redis). */
  root(): NamespacedStore;
  /** What a second process needs to reach the same storage. */
  location(): { backend: Backend; path?: string; url?: string };
  /** The Redis server, for the fault tests. */
  server?: RunningServer;
}

/**
 * Starts what `backend` needs before the tests of the enclosing `describe` block (a temporary
 * directory, a real Redis server through @stowage/test-servers) and removes it after them,
 * closing every store handed out.
 */
export function useBackend(backend: Backend): BackendFixture {
  const opened: NamespacedStore[] = [];
  let directory: string | undefined;
  let rootNamespace = "";
  const fixture: BackendFixture = {
    root() {
      const store =
        backend === "memory"
          ? new MemoryStore()
          : backend === "file"
            ? new FileStore({ path: directory! })
            : RedisStore.withClient({ url: fixture.server!.url, namespace: rootNamespace, disconnectTimeout: 100 });
      opened.push(store);
      return store;
    },
    location: () => ({ backend, path: directory, url: fixture.server?.url }),
  };
  beforeAll(async () => {
    if (backend === "file") directory = await mkdtemp(join(tmpdir(), "stowage-sessions-"));
    if (backend === "redis") fixture.server = await startServer("redis");
    rootNamespace = `sessions-test-${randomUUID()}`;
  }, 60_000);
  afterAll(async () => {
    await Promise.all(opened.map((store) => store.close()));
    if (directory) await rm(directory, { recursive: true, force: true });
    await fixture.server?.stop();
  }, 30_000);
  return fixture;
}
