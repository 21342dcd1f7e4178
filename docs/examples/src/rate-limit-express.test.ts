import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MemoryStore, StoreRegistry } from "@stowage/core";
import { createApp } from "./rate-limit-express.js";

let server: Server;
let base: string;
const registry = new StoreRegistry({ root: new MemoryStore() });

beforeAll(async () => {
  server = createServer(createApp(registry));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await registry.close();
});

function send(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${base}${path}`, { method, headers, agent: false }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers }));
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

test("/api allows 5 requests per client, then answers 429", async () => {
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await send("GET", "/api/products", { "x-api-key": "client-a" })).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  expect((await send("GET", "/api/products", { "x-api-key": "client-b" })).status).toBe(200);
});

test("login allows 3 attempts per user, then answers 429 with Retry-After", async () => {
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await send("POST", "/login/ada")).status);
  expect(statuses).toEqual([200, 200, 200, 429]);
  const denied = await send("POST", "/login/ada");
  expect(Number(denied.headers["retry-after"])).toBeGreaterThan(800);
  expect((await send("POST", "/login/grace")).status).toBe(200);
});

test("the counters live in the registry's rate_limit store", async () => {
  const keys: string[] = [];
  for await (const key of registry.get("rate_limit").keys()) keys.push(key);
  expect(keys.length).toBeGreaterThanOrEqual(4);
});
