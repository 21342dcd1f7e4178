import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import rateLimit from "@fastify/rate-limit";
import { createAdaptorServer } from "@hono/node-server";
import { StoreUnavailableError } from "@stowage/core";
import { RedisStore } from "@stowage/store-redis";
import { startServer, type RunningServer } from "@stowage/test-servers";
import express from "express";
import { rateLimit as expressRateLimit } from "express-rate-limit";
import Fastify, { type FastifyInstance } from "fastify";
import { Hono } from "hono";
import { rateLimiter as honoRateLimiter } from "hono-rate-limiter";
import { RateLimitStore, RateLimiter, fastifyRateLimitStore, type ClientRateLimitInfo } from "../src/index.js";
import { close, get, listen } from "./http.js";

// What each framework does when the store fails: Redis is stopped under running apps. Each
// app answers within the store's 500 ms bound (plus slack for a loaded machine); the tests
// check what it answers, never how fast.
jest.setTimeout(60_000);

let server: RunningServer;
let store: RedisStore;
const servers: Server[] = [];
const fastifyApps: FastifyInstance[] = [];
const urls: Record<string, string> = {};
const expressErrors: unknown[] = [];

async function serve(name: string, app: Server): Promise<void> {
  servers.push(app);
  urls[name] = await listen(app);
}

beforeAll(async () => {
  server = await startServer("redis");
  store = RedisStore.withClient({ url: server.url, namespace: `rate-limit-${randomUUID()}`, operationTimeout: "500ms", disconnectTimeout: 100 });
  const keyed = { keyGenerator: () => "client", limit: 5, windowMs: 60_000 };

  for (const passOnStoreError of [false, true]) {
    const app = express();
    const logger = { error: (...args: unknown[]) => void expressErrors.push(args[0]), warn: () => {} };
    app.use(expressRateLimit({ ...keyed, passOnStoreError, logger, store: new RateLimitStore({ store, prefix: `express-${passOnStoreError}` }) }));
    app.get("/", (_request, response) => void response.send("ok"));
    await serve(`express-${passOnStoreError}`, createServer(app));
  }

  const closedHono = new Hono();
  closedHono.use(honoRateLimiter({ ...keyed, store: new RateLimitStore({ store, prefix: "hono-closed" }) }));
  closedHono.get("/", (c) => c.text("ok"));
  // What an application does with the error is its own: here, answer 500 without a stack trace.
  closedHono.onError((_error, c) => c.text("rate limiter unavailable", 500));
  await serve("hono-closed", createAdaptorServer({ fetch: closedHono.fetch }) as Server);

  // Failing open with hono-rate-limiter: a store whose increment reports an error and lets the request through.
  const honoErrors: unknown[] = [];
  class FailOpenStore extends RateLimitStore {
    override async increment(key: string): Promise<ClientRateLimitInfo> {
      try {
        return await super.increment(key);
      } catch (error) {
        honoErrors.push(error);
        return { totalHits: 0, resetTime: undefined };
      }
    }
  }
  const openHono = new Hono();
  openHono.use(honoRateLimiter({ ...keyed, store: new FailOpenStore({ store, prefix: "hono-open" }) }));
  openHono.get("/", (c) => c.text(`ok, ${honoErrors.length} store error(s) reported`));
  await serve("hono-open", createAdaptorServer({ fetch: openHono.fetch }) as Server);

  for (const skipOnError of [false, true]) {
    const app = Fastify();
    fastifyApps.push(app);
    await app.register(rateLimit, { max: 5, timeWindow: 60_000, skipOnError, store: fastifyRateLimitStore({ store, prefix: `fastify-${skipOnError}` }) });
    app.get("/", async () => "ok");
    urls[`fastify-${skipOnError}`] = await app.listen({ port: 0, host: "127.0.0.1" });
  }

  // Every app counts while Redis is up.
  for (const url of Object.values(urls)) expect((await get(url)).status).toBe(200);
  await server.stop();
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map(close));
  await Promise.all(fastifyApps.map((app) => app.close()));
  await store?.close();
  await server?.stop();
});

test("RateLimiter.hit rejects with the store's StoreUnavailableError", async () => {
  const limiter = new RateLimiter({ store, limit: 5, window: "1m" });
  const outcome = await limiter.hit("client").then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(StoreUnavailableError.isInstance(outcome)).toBe(true);
});

test("express-rate-limit fails closed by default (the error reaches Express: 500)", async () => {
  expect((await get(urls["express-false"]!)).status).toBe(500);
});

test("express-rate-limit with passOnStoreError: true fails open and logs the store's error", async () => {
  const before = expressErrors.length;
  expect((await get(urls["express-true"]!)).status).toBe(200);
  expect(expressErrors.length).toBe(before + 1);
  expect(StoreUnavailableError.isInstance(expressErrors.at(-1))).toBe(true);
});

test("hono-rate-limiter fails closed (the error reaches Hono's onError: 500)", async () => {
  const response = await get(urls["hono-closed"]!);
  expect(response.status).toBe(500);
  expect(response.body).toBe("rate limiter unavailable");
});

test("hono-rate-limiter fails open through a store whose increment reports the error and allows", async () => {
  const response = await get(urls["hono-open"]!);
  expect(response.status).toBe(200);
  expect(response.body).toMatch(/ok, [1-9]\d* store error/);
});

test("@fastify/rate-limit fails closed by default (500)", async () => {
  expect((await get(urls["fastify-false"]!)).status).toBe(500);
});

test("@fastify/rate-limit with skipOnError: true fails open", async () => {
  expect((await get(urls["fastify-true"]!)).status).toBe(200);
});
