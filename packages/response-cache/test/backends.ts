import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore } from "@stowage/core";
import { FileStore } from "@stowage/store-file";
import { RedisStore } from "@stowage/store-redis";
import { startServer, type RunningServer } from "@stowage/test-servers";
import type { Backend } from "./suite.js";

/** A fresh MemoryStore per test; a closed one stands for an unavailable store (it fails at once). */
export const memoryBackend: Backend = {
  name: "memory",
  create: async () => new MemoryStore(),
  unavailable: async () => {
    const store = new MemoryStore();
    await store.close();
    return { store, boundMs: 0 };
  },
};

/** A FileStore in a fresh directory per test (removed after the file's tests); one whose path runs through a regular file is unavailable. */
export function fileBackend(): Backend {
  const directory = mkdtempSync(join(tmpdir(), "response-cache-test-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  return {
    name: "file",
    create: async () => new FileStore({ path: join(directory, randomUUID()) }),
    unavailable: async () => {
      const blocker = join(directory, `not-a-directory-${randomUUID()}`);
      writeFileSync(blocker, "");
      return { store: new FileStore({ path: join(blocker, "cache") }), boundMs: 0 };
    },
  };
}

/**
 * A real Redis server for the file's tests (started before them, stopped after), a store in a
 * fresh root namespace per test; a paused server (it keeps the connection and never answers)
 * stands for an unavailable store, with a 500 ms operation timeout.
 */
export function redisBackend(): Backend {
  let server: RunningServer | undefined;
  beforeAll(async () => {
    server = await startServer("redis");
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  return {
    name: "redis",
    create: async () => RedisStore.withClient({ url: server!.url, namespace: `response-cache-${randomUUID()}`, disconnectTimeout: 100 }),
    unavailable: async () => {
      const store = RedisStore.withClient({ url: server!.url, namespace: `response-cache-${randomUUID()}`, operationTimeout: "500ms", disconnectTimeout: 100 });
      await store.exists("connected");
      await server!.pause();
      return {
        store,
        boundMs: 500,
        restore: async () => {
          await server!.unpause();
          await store.close();
        },
      };
    },
  };
}
