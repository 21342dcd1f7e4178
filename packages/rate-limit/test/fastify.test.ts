import { randomUUID } from "node:crypto";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance } from "fastify";
import { fastifyRateLimitStore } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";
import { get } from "./http.js";
import { FASTIFY, expectCountdown, expectWindowEnds, newClient } from "./scenarios.js";

// Real Fastify 5 apps over real HTTP on 127.0.0.1, with @fastify/rate-limit counting through
// fastifyRateLimitStore on each backend. Every test has its own prefix and client id.
jest.setTimeout(30_000);

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe.each(BACKENDS)("fastify + @fastify/rate-limit on %s", (backend) => {
  const fixture = useBackend(backend);

  async function start(options: { max: number; timeWindow: number }): Promise<string> {
    const app = Fastify();
    apps.push(app);
    await app.register(rateLimit, {
      ...options,
      keyGenerator: (request) => String(request.headers["x-client"] ?? "anonymous"),
      store: fastifyRateLimitStore({ store: fixture.store, prefix: randomUUID() }),
    });
    app.get("/ok", async () => "ok");
    app.get("/also-global", async () => "ok");
    app.get("/a", { config: { rateLimit: { max: 2, timeWindow: 60_000 } } }, async () => "a");
    app.get("/b", { config: { rateLimit: { max: 2, timeWindow: 60_000 } } }, async () => "b");
    const check = app.createRateLimit();
    app.get("/peek", { config: { rateLimit: false } }, async (request) => {
      const { remaining, ttl } = (await check(request, { increment: false })) as { remaining: number; ttl: number };
      return { remaining, ttl };
    });
    return app.listen({ port: 0, host: "127.0.0.1" });
  }

  test("headers count down, the request past the limit gets a 429, global routes share the count", async () => {
    const url = await start({ max: 3, timeWindow: 60_000 });
    const client = newClient();
    await expectCountdown(url, client.headers, 3, FASTIFY, ["/ok", "/also-global", "/ok"]);
    const denied = await get(`${url}/ok`, client.headers);
    expect(Number(denied.headers["retry-after"])).toBeGreaterThan(50);
    expect(JSON.parse((await get(`${url}/peek`, client.headers)).body)).toMatchObject({ remaining: 0 });
  });

  test("each route with its own config counts on its own (a child store per route)", async () => {
    const url = await start({ max: 100, timeWindow: 60_000 });
    const client = { "x-client": randomUUID() };
    expect((await get(`${url}/a`, client)).status).toBe(200);
    expect((await get(`${url}/a`, client)).status).toBe(200);
    expect((await get(`${url}/a`, client)).status).toBe(429);
    const b = await get(`${url}/b`, client);
    expect(b.status).toBe(200);
    expect(b.headers["x-ratelimit-remaining"]).toBe("1");
    const global = await get(`${url}/ok`, client);
    expect(global.headers["x-ratelimit-remaining"]).toBe("99");
    expect(JSON.parse((await get(`${url}/peek`, client)).body)).toMatchObject({ remaining: 99 });
  });

  test("requests are allowed again once the window ends, and not before", async () => {
    await expectWindowEnds(await start({ max: 1, timeWindow: 2_000 }), FASTIFY);
  });
});

test("continueExceeding and exponentialBackoff are refused: they would extend a fixed window", async () => {
  const { MemoryStore } = await import("@stowage/core");
  const store = new MemoryStore();
  for (const option of ["continueExceeding", "exponentialBackoff"]) {
    const app = Fastify();
    await expect(app.register(rateLimit, { max: 1, [option]: true, store: fastifyRateLimitStore({ store }) }).ready()).rejects.toThrow(/fixed windows/);
    await app.close();
  }
  await store.close();
});
