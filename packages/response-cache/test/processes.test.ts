import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NamespacedStore } from "@stowage/core";
import { FileStore } from "@stowage/store-file";
import { RedisStore } from "@stowage/store-redis";
import { assertFreshBuilds, startNodeProcess, startServer, type NodeProcess, type RunningServer } from "@stowage/test-servers";
import { closeConnections, send } from "./http-client.js";

// Separate OS processes running the built package (turbo builds it before `test`; run `pnpm
// build` first when calling jest directly), sharing one file store or one Redis server.

const APP = join(__dirname, "fixtures", "app-process.cjs");

beforeAll(() => assertFreshBuilds(join(__dirname, "..", ".."), ["core", "store-file", "resp-store", "store-redis", "response-cache"]));

// Behind one load balancer both processes see the same Host (it is part of the key).
const HOST = { headers: { host: "shop.example" } };

/** Resolves once `store` holds an entry (the write happens after the response; on a loaded machine it may take a while). */
async function waitForEntry(store: NamespacedStore): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
    for await (const _key of store.keys()) return;
  }
  throw new Error("no entry was stored within 10 s");
}

const callsOf = async (port: number) => (JSON.parse((await send(port, "/calls", { method: "POST" })).text) as { calls: number }).calls;

describe.each(["file", "redis"])("two app processes sharing a %s store", (backend) => {
  let server: RunningServer | undefined;
  let directory = "";
  const children: NodeProcess[] = [];
  beforeAll(async () => {
    if (backend === "redis") server = await startServer("redis");
    else directory = mkdtempSync(join(tmpdir(), "response-cache-processes-"));
  }, 60_000);
  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.stop()));
  });
  /** Starts an app in a separate Node process; resolves its port. */
  const spawnApp = async (env: Record<string, string>) => {
    const child = startNodeProcess(APP, { env });
    children.push(child);
    return Number(await child.nextLine());
  };
  afterAll(async () => {
    closeConnections();
    await server?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  const environment = (framework: string, lock: boolean, delayMs: number) => ({
    FRAMEWORK: framework,
    BACKEND: backend,
    STORE_PATH: directory,
    STORE_URL: server?.url ?? "",
    NAMESPACE: randomUUID(),
    LOCK: lock ? "1" : "0",
    DELAY_MS: String(delayMs),
  });

  test.each(["express", "hono"])("%s: a response one process stored is a hit in the other", async (framework) => {
    const shared = environment(framework, false, 0);
    const [first, second] = await Promise.all([spawnApp(shared), spawnApp(shared)]);
    const stored = await send(first, "/slow", HOST);
    const root = backend === "file" ? new FileStore({ path: directory }) : RedisStore.withClient({ url: server!.url, disconnectTimeout: 100 });
    try {
      await waitForEntry(root.withNamespace(shared.NAMESPACE));
    } finally {
      await root.close();
    }
    const hit = await send(second, "/slow", HOST);
    expect(hit.text).toBe(stored.text);
    expect([await callsOf(first), await callsOf(second)]).toEqual([1, 0]);
  }, 30_000);

  test.each(["express", "hono"])("%s: with lock, 2 processes x 10 concurrent cold requests run the handler once", async (framework) => {
    // The handler takes 400 ms, so every request arrives while the first computation is in flight.
    const shared = environment(framework, true, 400);
    const [first, second] = await Promise.all([spawnApp(shared), spawnApp(shared)]);
    const replies = await Promise.all([first, second].flatMap((port) => Array.from({ length: 10 }, () => send(port, "/slow", HOST))));
    expect(new Set(replies.map((reply) => `${reply.status} ${reply.text}`)).size).toBe(1);
    expect((await callsOf(first)) + (await callsOf(second))).toBe(1);
  }, 30_000);
});
