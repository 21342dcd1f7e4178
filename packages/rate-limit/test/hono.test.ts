import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { rateLimiter } from "hono-rate-limiter";
import { RateLimitStore } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";
import { close, eventually, get, listen, sleep } from "./http.js";

// Real Hono apps on @hono/node-server over real HTTP on 127.0.0.1, with hono-rate-limiter
// counting in a RateLimitStore on each backend. Every test has its own prefix and client id.
jest.setTimeout(30_000);

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

describe.each(BACKENDS)("hono + hono-rate-limiter on %s", (backend) => {
  const fixture = useBackend(backend);

  async function start(options: { limit: number; windowMs: number; skipSuccessfulRequests?: boolean }): Promise<{ url: string; store: RateLimitStore }> {
    const store = new RateLimitStore({ store: fixture.store, prefix: randomUUID() });
    const app = new Hono();
    app.use(rateLimiter({ standardHeaders: "draft-6", keyGenerator: (c) => c.req.header("x-client") ?? "anonymous", store, ...options }));
    app.get("/ok", (c) => c.text("ok"));
    app.get("/bad", (c) => c.text("bad", 400));
    const server = createAdaptorServer({ fetch: app.fetch }) as Server;
    servers.push(server);
    return { url: await listen(server), store };
  }

  test("headers count down, the request past the limit gets a 429, and resetKey lets the client in again", async () => {
    const { url, store } = await start({ limit: 3, windowMs: 60_000 });
    const id = randomUUID();
    const client = { "x-client": id };
    for (const remaining of ["2", "1", "0"]) {
      const response = await get(`${url}/ok`, client);
      expect(response.status).toBe(200);
      expect(response.headers["ratelimit-limit"]).toBe("3");
      expect(response.headers["ratelimit-remaining"]).toBe(remaining);
      const reset = Number(response.headers["ratelimit-reset"]);
      expect(reset).toBeGreaterThan(50);
      expect(reset).toBeLessThanOrEqual(60);
    }
    const denied = await get(`${url}/ok`, client);
    expect(denied.status).toBe(429);
    expect(denied.headers["ratelimit-remaining"]).toBe("0");
    expect((await get(`${url}/ok`, { "x-client": randomUUID() })).status).toBe(200);
    await store.resetKey(id);
    const again = await get(`${url}/ok`, client);
    expect(again.status).toBe(200);
    expect(again.headers["ratelimit-remaining"]).toBe("2");
  });

  test("requests are allowed again once the window ends, and not before", async () => {
    // A 2 s window: the second request follows the first by milliseconds, and the third waits
    // the whole window plus a second of margin for a loaded machine.
    const { url } = await start({ limit: 1, windowMs: 2_000 });
    const client = { "x-client": randomUUID() };
    const started = Date.now();
    expect((await get(`${url}/ok`, client)).status).toBe(200);
    expect((await get(`${url}/ok`, client)).status).toBe(429);
    expect(Date.now() - started).toBeLessThan(2_000);
    await sleep(3_000 - (Date.now() - started));
    expect((await get(`${url}/ok`, client)).status).toBe(200);
  });

  test("skipSuccessfulRequests takes successful requests back (decrement); failed ones count", async () => {
    const { url, store } = await start({ limit: 2, windowMs: 60_000, skipSuccessfulRequests: true });
    const id = randomUUID();
    const client = { "x-client": id };
    for (let i = 0; i < 4; i++) {
      const response = await get(`${url}/ok`, client);
      expect(response.status).toBe(200);
      expect(response.headers["ratelimit-remaining"]).toBe("1");
      await eventually(async () => expect((await store.get(id))?.totalHits).toBe(0));
    }
    expect((await get(`${url}/bad`, client)).status).toBe(400);
    expect((await get(`${url}/bad`, client)).status).toBe(400);
    expect((await get(`${url}/ok`, client)).status).toBe(429);
    // hono-rate-limiter judges a denied request before its 429 is set (the context still says
    // 200), so with skipSuccessfulRequests it takes the denied request back as well.
    await eventually(async () => expect((await store.get(id))?.totalHits).toBe(2));
  });

  test("a decrement after the window ended creates nothing (hono-rate-limiter decrements then too)", async () => {
    // hono-rate-limiter decrements even after the window ended (express-rate-limit checks
    // resetTime first): the store must not create a counter then. 300 ms window, 600 ms wait.
    const { store } = await start({ limit: 1, windowMs: 300 });
    const id = randomUUID();
    await store.increment(id);
    await sleep(600);
    await store.decrement(id);
    expect(await store.get(id)).toBeUndefined();
    expect((await store.increment(id)).totalHits).toBe(1);
  });
});
