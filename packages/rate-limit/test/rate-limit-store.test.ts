import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import type { Store } from "@stowage/core";
import express from "express";
import { rateLimit } from "express-rate-limit";
import { Hono } from "hono";
import { rateLimiter } from "hono-rate-limiter";
import { RateLimitStore } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";
import { close, eventually, get, listen } from "./http.js";
import { DRAFT_6, expectCountdown, expectLateDecrementCreatesNothing, expectSuccessfulRequestsSkipped, expectWindowEnds, newClient } from "./scenarios.js";

// RateLimitStore under both frameworks that take it: real Express apps (express-rate-limit) and
// real Hono apps on @hono/node-server (hono-rate-limiter), over real HTTP on 127.0.0.1, on each
// backend. Every test has its own prefix and client id.
jest.setTimeout(30_000);

interface LimiterOptions {
  limit: number;
  windowMs: number;
  skipSuccessfulRequests?: boolean;
}

interface App {
  url: string;
  store: RateLimitStore;
  /** The framework's own way to reset a client. */
  resetKey(id: string): Promise<void>;
}

/** An app limited by the framework's middleware on a RateLimitStore over `counters`, on `/ok` (200) and `/bad` (400). */
type StartApp = (counters: Store, options: LimiterOptions) => Promise<App>;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

async function serve(server: Server): Promise<string> {
  servers.push(server);
  return listen(server);
}

const FRAMEWORKS: Record<"express" | "hono", StartApp> = {
  async express(counters, options) {
    const store = new RateLimitStore({ store: counters, prefix: randomUUID() });
    const keyGenerator = (request: express.Request) => request.get("x-client") ?? "anonymous";
    const limiter = rateLimit({ standardHeaders: "draft-6", legacyHeaders: false, keyGenerator, store, ...options });
    const app = express();
    app.use(limiter);
    app.get("/ok", (_request, response) => void response.send("ok"));
    app.get("/bad", (_request, response) => void response.status(400).send("bad"));
    return { url: await serve(createServer(app)), store, resetKey: async (id) => limiter.resetKey(id) };
  },
  async hono(counters, options) {
    const store = new RateLimitStore({ store: counters, prefix: randomUUID() });
    const app = new Hono();
    app.use(rateLimiter({ standardHeaders: "draft-6", keyGenerator: (c) => c.req.header("x-client") ?? "anonymous", store, ...options }));
    app.get("/ok", (c) => c.text("ok"));
    app.get("/bad", (c) => c.text("bad", 400));
    return { url: await serve(createAdaptorServer({ fetch: app.fetch }) as Server), store, resetKey: (id) => store.resetKey(id) };
  },
};

describe.each(BACKENDS)("on %s", (backend) => {
  const fixture = useBackend(backend);

  describe.each(Object.keys(FRAMEWORKS) as Array<keyof typeof FRAMEWORKS>)("%s", (framework) => {
    const start = (options: LimiterOptions) => FRAMEWORKS[framework](fixture.store, options);

    test("headers count down, the request past the limit gets a 429, and resetKey lets the client in again", async () => {
      const { url, resetKey } = await start({ limit: 3, windowMs: 60_000 });
      const client = newClient();
      await expectCountdown(url, client.headers, 3, DRAFT_6, ["/ok", "/ok", "/ok"]);
      await resetKey(client.id);
      const again = await get(`${url}/ok`, client.headers);
      expect(again.status).toBe(200);
      expect(again.headers[DRAFT_6.remaining]).toBe("2");
    });

    test("requests are allowed again once the window ends, and not before", async () => {
      await expectWindowEnds((await start({ limit: 1, windowMs: 2_000 })).url, DRAFT_6);
    });

    test("skipSuccessfulRequests takes successful requests back (decrement); failed ones count", async () => {
      const { url, store } = await start({ limit: 2, windowMs: 60_000, skipSuccessfulRequests: true });
      const id = await expectSuccessfulRequestsSkipped(url, store);
      // express-rate-limit judges the 429 as failed, so it counts. hono-rate-limiter judges a
      // denied request before its 429 is set (the context still says 200), so it takes it back.
      await eventually(async () => expect((await store.get(id))?.totalHits).toBe(framework === "express" ? 3 : 2));
    });

    test("decrement after the window ended creates nothing (hono-rate-limiter decrements then too)", async () => {
      await expectLateDecrementCreatesNothing((await start({ limit: 2, windowMs: 300 })).store);
    });
  });
});
