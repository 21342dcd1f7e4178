import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import express from "express";
import { rateLimit, type Options, type RateLimitRequestHandler } from "express-rate-limit";
import { RateLimitStore } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";
import { close, eventually, get, listen, sleep } from "./http.js";

// Real Express apps over real HTTP on 127.0.0.1, with express-rate-limit counting in a
// RateLimitStore on each backend. Every test has its own prefix and client id.
jest.setTimeout(30_000);

interface App {
  url: string;
  limiter: RateLimitRequestHandler;
  store: RateLimitStore;
  server: Server;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

describe.each(BACKENDS)("express + express-rate-limit on %s", (backend) => {
  const fixture = useBackend(backend);

  async function start(options: Partial<Options>): Promise<App> {
    const store = new RateLimitStore({ store: fixture.store, prefix: randomUUID() });
    const limiter = rateLimit({
      standardHeaders: "draft-6",
      legacyHeaders: false,
      keyGenerator: (request) => request.get("x-client") ?? "anonymous",
      store,
      ...options,
    });
    const app = express();
    app.use(limiter);
    app.get("/ok", (_request, response) => void response.send("ok"));
    app.get("/bad", (_request, response) => void response.status(400).send("bad"));
    const server = createServer(app);
    servers.push(server);
    return { url: await listen(server), limiter, store, server };
  }

  test("headers count down, the request past the limit gets a 429, and resetKey lets the client in again", async () => {
    const { url, limiter } = await start({ limit: 3, windowMs: 60_000 });
    const client = { "x-client": randomUUID() };
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
    // Another client is not affected.
    expect((await get(`${url}/ok`, { "x-client": randomUUID() })).status).toBe(200);
    await limiter.resetKey(client["x-client"]);
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
    const after = await get(`${url}/ok`, client);
    expect(after.status).toBe(200);
    expect(after.headers["ratelimit-remaining"]).toBe("0");
  });

  test("skipSuccessfulRequests takes successful requests back (decrement); failed ones count", async () => {
    const { url, store } = await start({ limit: 2, windowMs: 60_000, skipSuccessfulRequests: true });
    const id = randomUUID();
    const client = { "x-client": id };
    for (let i = 0; i < 4; i++) {
      const response = await get(`${url}/ok`, client);
      expect(response.status).toBe(200);
      expect(response.headers["ratelimit-remaining"]).toBe("1");
      // The decrement runs after the response is sent: wait for it before the next request.
      await eventually(async () => expect((await store.get(id))?.totalHits).toBe(0));
    }
    expect((await get(`${url}/bad`, client)).status).toBe(400);
    expect((await get(`${url}/bad`, client)).status).toBe(400);
    expect((await get(`${url}/ok`, client)).status).toBe(429);
    expect((await store.get(id))?.totalHits).toBe(3);
  });

  test("decrement and get after the window ended create nothing", async () => {
    const { store } = await start({ limit: 2, windowMs: 300 });
    const id = randomUUID();
    await store.increment(id);
    // Well past the 300 ms window.
    await sleep(600);
    await store.decrement(id);
    await store.decrement(randomUUID());
    expect(await store.get(id)).toBeUndefined();
    const fresh = await store.increment(id);
    expect(fresh.totalHits).toBe(1);
  });
});
