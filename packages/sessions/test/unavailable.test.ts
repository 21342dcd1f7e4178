import { StoreUnavailableError } from "@stowage/core";
import { RedisStore } from "@stowage/store-redis";
import { startServer, type RunningServer } from "@stowage/test-servers";
import { SessionStore } from "../src/index.js";
import { Browser, FRAMEWORKS, sleep, startApp, type RunningApp } from "./apps.js";

// The store's bound, and the slack allowed on top of it for a loaded two-core machine: far below
// what an unbounded client takes (ioredis retries a command 20 times with backoff).
const BOUND_MS = 500;
const SLACK_MS = 1_500;

describe.each(FRAMEWORKS)("%s with an unavailable Redis", (framework) => {
  let server: RunningServer;
  let redis: RedisStore;
  let app: RunningApp;
  beforeAll(async () => {
    server = await startServer("redis");
    redis = RedisStore.withClient({ url: server.url, namespace: `unavailable-${framework}`, operationTimeout: `${BOUND_MS}ms`, disconnectTimeout: 100 });
    app = await startApp(framework, new SessionStore({ store: redis.withNamespace("sessions") }), { maxAge: 60_000 });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await redis?.close();
    await server?.stop();
  }, 30_000);

  test(
    "a paused server: requests answer 500 with StoreUnavailableError within the bound, then sessions work again",
    async () => {
      const browser = new Browser(app.url);
      await browser.login("ada");
      await server.pause();
      try {
        const visitor = new Browser(app.url);
        const started = performance.now();
        // Reading the session (GET /me) and writing a new one (POST /login) both fail, bounded.
        const answers = await Promise.all([browser.request("GET", "/me"), visitor.request("POST", "/login?user=bob")]);
        const elapsedMs = performance.now() - started;
        expect(answers.map((answer) => [answer.status, answer.body.error])).toEqual([
          [500, "StoreUnavailableError"],
          [500, "StoreUnavailableError"],
        ]);
        expect(elapsedMs).toBeLessThan(BOUND_MS + SLACK_MS);
        expect(app.errors.length).toBeGreaterThanOrEqual(2);
        for (const error of app.errors) {
          expect(StoreUnavailableError.isInstance(error)).toBe(true);
          expect((error as Error).cause).toBeDefined();
        }
      } finally {
        await server.unpause();
      }
      // The same store works again once the server answers: the session was never lost.
      for (let attempt = 0; ; attempt++) {
        const answer = await browser.request("GET", "/me");
        if (answer.status === 200) {
          expect(answer.body.user).toBe("ada");
          break;
        }
        if (attempt >= 50) throw new Error(`still ${answer.status} after the server came back`);
        await sleep(100);
      }
    },
    30_000,
  );
});
