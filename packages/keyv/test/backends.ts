import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { MemoryStore, type NamespacedStore } from "@stowage/core";
import { FileStore } from "@stowage/store-file";
import { RedisStore } from "@stowage/store-redis";
import { ValkeyStore } from "@stowage/store-valkey";
import { startServer, type RunningServer } from "@stowage/test-servers";
import { Redis } from "ioredis";
import { Valkey } from "iovalkey";
import { afterAll, beforeAll } from "vitest";

/** The backends every Keyv test runs on. */
export type BackendKind = "memory" | "file" | "redis" | "valkey";
export const BACKENDS: readonly BackendKind[] = ["memory", "file", "redis", "valkey"];

/** What a test needs of a backend: a store on a root no other test uses, and for Redis and Valkey the server and a raw client. */
export interface Backend {
  kind: BackendKind;
  store: NamespacedStore;
  server?: RunningServer;
  /** A raw client on the server (Redis and Valkey only), for checks a store cannot make. */
  client?: Redis | Valkey;
}

/**
 * Opens a backend of `kind` before the tests of the enclosing `describe` block (a real server
 * for Redis and Valkey, a fresh directory for files) and closes it after them.
 */
export function useBackend(kind: BackendKind): Backend {
  const backend = { kind } as Backend;
  let directory: string | undefined;
  beforeAll(async () => {
    if (kind === "memory") {
      backend.store = new MemoryStore();
    } else if (kind === "file") {
      directory = await mkdtemp(join(tmpdir(), "stowage-keyv-"));
      backend.store = new FileStore({ path: directory });
    } else {
      backend.server = await startServer(kind);
      const namespace = `keyv-test-${randomUUID()}`;
      backend.client = kind === "redis" ? new Redis(backend.server.url) : new Valkey(backend.server.url);
      backend.store = kind === "redis"
        ? RedisStore.withClient({ url: backend.server.url, namespace })
        : ValkeyStore.withClient({ url: backend.server.url, namespace });
    }
  });
  afterAll(async () => {
    await backend.store?.close();
    backend.client?.disconnect();
    await backend.server?.stop();
    if (directory) await rm(directory, { recursive: true, force: true });
  });
  return backend;
}
