import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import { Hono } from "hono";
import { honoResponseCache, responseCache, type ResponseCacheCommonOptions } from "../src/index.js";
import type { Store } from "@stowage/core";
import { closeHttpServer, listenOnLoopback } from "@stowage/test-servers";

/** A request as the test handler sees it, whatever the framework. */
export interface TestRequest {
  method: string;
  path: string;
  header(name: string): string | undefined;
}

/** What the test handler answers. */
export interface TestReply {
  status?: number;
  headers?: Array<[string, string]>;
  body?: string | Uint8Array;
  /** Answer after this many milliseconds (to keep concurrent misses in flight). */
  delayMs?: number;
  /** Runs (and is awaited) before the answer is sent. */
  beforeReply?: () => Promise<void>;
}

export type TestHandler = (request: TestRequest) => TestReply;

/** A running app: the port, how often the handler ran per path, the cache's methods, and close. */
export interface TestApp {
  port: number;
  calls: Map<string, number>;
  callsTo(path: string): number;
  invalidate(url: string): Promise<void>;
  invalidateKey(key: string): Promise<void>;
  deleteAll(): Promise<void>;
  close(): Promise<void>;
}

export type Framework = "express" | "hono";

/** The options a test app passes on to the middleware; `key` gets the framework's request. */
export type TestCacheOptions = { store: Store } & Omit<ResponseCacheCommonOptions<never>, "key"> & { key?: (request: { path: string }) => string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `framework` on 127.0.0.1 with the response cache in front of one catch-all route running `handler`. */
export async function startApp(framework: Framework, options: TestCacheOptions, handler: TestHandler): Promise<TestApp> {
  const calls = new Map<string, number>();
  const count = (path: string) => calls.set(path, (calls.get(path) ?? 0) + 1);
  // A middleware before the cache that tags every response, hits included.
  let seen = 0;
  let cache: { invalidate(url: string): Promise<void>; invalidateKey(key: string): Promise<void>; deleteAll(): Promise<void> };
  let server: Server;
  if (framework === "express") {
    const { key, ...rest } = options;
    const middleware = responseCache({ ...rest, ...(key ? { key: (req: express.Request) => key({ path: req.path }) } : {}) });
    cache = middleware;
    const app = express();
    app.use((req, res, next) => {
      res.setHeader("x-request-number", String(++seen));
      next();
    });
    app.use(middleware);
    app.all("/{*splat}", async (req, res) => {
      count(req.path);
      const reply = handler({ method: req.method, path: req.path, header: (name) => req.get(name) });
      if (reply.delayMs) await sleep(reply.delayMs);
      await reply.beforeReply?.();
      res.status(reply.status ?? 200);
      for (const [name, value] of reply.headers ?? []) res.append(name, value);
      res.send(typeof reply.body === "string" ? reply.body : Buffer.from(reply.body ?? ""));
    });
    server = createServer(app);
  } else {
    const { key, ...rest } = options;
    const middleware = honoResponseCache({ ...rest, ...(key ? { key: (c) => key({ path: c.req.path }) } : {}) });
    cache = middleware;
    const app = new Hono();
    app.use(async (c, next) => {
      c.header("x-request-number", String(++seen));
      await next();
    });
    app.use(middleware);
    app.all("*", async (c) => {
      count(c.req.path);
      const reply = handler({ method: c.req.method, path: c.req.path, header: (name) => c.req.header(name) });
      if (reply.delayMs) await sleep(reply.delayMs);
      await reply.beforeReply?.();
      for (const [name, value] of reply.headers ?? []) c.header(name, value, { append: true });
      c.status((reply.status ?? 200) as 200);
      return c.body(typeof reply.body === "string" ? reply.body : Uint8Array.from(reply.body ?? []));
    });
    server = serve({ fetch: app.fetch, createServer, port: 0, hostname: "127.0.0.1" }) as Server;
    await new Promise((resolve) => (server.listening ? resolve(undefined) : server.once("listening", resolve)));
  }
  const port = framework === "express" ? await listenOnLoopback(server) : (server.address() as AddressInfo).port;
  return {
    port,
    calls,
    callsTo: (path) => calls.get(path) ?? 0,
    invalidate: (url) => cache.invalidate(url),
    invalidateKey: (key) => cache.invalidateKey(key),
    deleteAll: () => cache.deleteAll(),
    close: () => closeHttpServer(server),
  };
}
