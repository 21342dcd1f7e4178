import { randomUUID } from "node:crypto";
import { RedisStore } from "@stowage/store-redis";
import { startServer, type RunningServer } from "@stowage/test-servers";
import type { ResponseCacheErrorContext } from "../src/index.js";
import { startApp, type Framework } from "./apps.js";
import { closeConnections, send } from "./http-client.js";

// The store write of a miss happens after the response. Here the handler makes the Redis server
// stop answering before it replies, so the write hangs until the store's 5 s operation timeout.
// Ordering, not speed, is checked: both clients are answered before that write fails. The 5 s
// leave a wide margin for the second request to arrive while the write is pending.

let server: RunningServer;
beforeAll(async () => {
  server = await startServer("redis");
}, 60_000);
afterAll(async () => {
  closeConnections();
  await server?.stop();
});

describe.each<Framework>(["express", "hono"])("%s, while the store write hangs", (framework) => {
  test("the client is answered first, and a request meanwhile is a hit from memory", async () => {
    const store = RedisStore.withClient({ url: server.url, namespace: `pending-${randomUUID()}`, operationTimeout: "5s", disconnectTimeout: 100 });
    const events: string[] = [];
    let writeFailed!: () => void;
    const written = new Promise<void>((resolve) => (writeFailed = resolve));
    const onError = (_error: unknown, context: ResponseCacheErrorContext) => {
      events.push(`onError ${context.operation}`);
      if (context.operation === "write") writeFailed();
    };
    const app = await startApp(framework, { store, onError }, () => ({ body: "fresh", beforeReply: () => server.pause() }));
    try {
      events.push(`answered ${(await send(app.port, "/page")).text}`);
      events.push(`answered ${(await send(app.port, "/page")).text}`);
      expect(app.callsTo("/page")).toBe(1);
      await written;
      expect(events).toEqual(["answered fresh", "answered fresh", "onError write"]);
    } finally {
      await server.unpause();
      await app.close();
      await store.close();
    }
  });
});
