import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { MemoryStore } from "@stowage/core";
import express from "express";
import { Hono } from "hono";
import { honoResponseCache, responseCache } from "../src/index.js";
import { closeConnections, send } from "./http-client.js";

// Responses written in pieces: Express's writeHead with its own headers and several writes, and a
// Hono response whose body is a stream. Both are stored whole and replayed as one body.

const servers: Server[] = [];
const stores: MemoryStore[] = [];

async function listen(listener: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

afterAll(async () => {
  closeConnections();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await Promise.all(stores.map((store) => store.close()));
});

test("Express: headers given to writeHead and a body in several writes are stored and replayed", async () => {
  const store = new MemoryStore();
  stores.push(store);
  let runs = 0;
  const app = express();
  app.use(responseCache({ store }));
  app.get("/chunks", (req, res) => {
    runs++;
    res.setHeader("x-before", "set");
    res.writeHead(200, "Fine", { "content-type": "text/plain", "x-explicit": ["a", "b"] });
    res.write("one,");
    res.write(Buffer.from("two,"));
    res.end("three", "utf8");
  });
  const port = await listen(app);
  const first = await send(port, "/chunks");
  const second = await send(port, "/chunks");
  expect(runs).toBe(1);
  expect([first.text, second.text]).toEqual(["one,two,three", "one,two,three"]);
  for (const name of ["content-type", "x-explicit", "x-before"]) expect([name, second.headers[name]]).toEqual([name, first.headers[name]]);
  expect(second.headers["x-explicit"]).toBe("a, b");
});

test("Hono: a streamed body is stored whole while the client receives it as it streams", async () => {
  const store = new MemoryStore();
  stores.push(store);
  let runs = 0;
  const app = new Hono();
  app.use(honoResponseCache({ store }));
  app.get("/stream", (c) => {
    runs++;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        for (const piece of ["one,", "two,", "three"]) {
          controller.enqueue(encoder.encode(piece));
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        controller.close();
      },
    });
    return c.body(body, 200, { "content-type": "text/plain" });
  });
  const port = await listen(getRequestListener(app.fetch));
  const first = await send(port, "/stream");
  // The stored copy is read beside the client's; the second request may come before it is whole, and then waits for it.
  const second = await send(port, "/stream");
  expect(runs).toBe(1);
  expect([first.text, second.text]).toEqual(["one,two,three", "one,two,three"]);
  expect(second.headers["content-length"]).toBe("13");
});

test("a body above maxBodyBytes is served but not stored", async () => {
  const store = new MemoryStore();
  stores.push(store);
  let runs = 0;
  const app = express();
  app.use(responseCache({ store, maxBodyBytes: 10 }));
  app.get("/big", (req, res) => {
    runs++;
    res.send("eleven char");
  });
  const port = await listen(app);
  expect((await send(port, "/big")).text).toBe("eleven char");
  expect((await send(port, "/big")).text).toBe("eleven char");
  expect(runs).toBe(2);
});
