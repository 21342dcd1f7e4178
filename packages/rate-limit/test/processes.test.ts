import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "@stowage/test-servers";
import { assertWorkerBuilds, raceWorkers, startWorker, type Worker } from "./children.js";
import { get } from "./http.js";

// Separate OS processes sharing one store: the limit holds exactly, whoever counts.
jest.setTimeout(120_000);

beforeAll(assertWorkerBuilds);

describe.each(["file", "redis", "valkey"] as const)("4 processes on %s", (backend) => {
  let server: RunningServer | undefined;
  let location: string;

  beforeAll(async () => {
    if (backend === "file") location = await mkdtemp(join(tmpdir(), "stowage-rate-limit-mp-"));
    else {
      server = await startServer(backend);
      location = server.url;
    }
  }, 60_000);

  afterAll(async () => {
    if (backend === "file") await rm(location, { recursive: true, force: true });
    await server?.stop();
  });

  test("firing 100 hits each at one id with limit 150 allow exactly 150, and every count is seen once", async () => {
    // A 10-minute window: the race takes seconds, so the window cannot end inside it.
    const task = { mode: "hits", backend, location, namespace: randomUUID(), prefix: "mp", id: "203.0.113.7", limit: 150, window: "10m", hits: 100, inFlight: 8 };
    const results = await raceWorkers(Array.from({ length: 4 }, () => task));
    expect(results.reduce((sum, result) => sum + (result.allowed as number), 0)).toBe(150);
    const counts = results.flatMap((result) => result.counts as number[]).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
  });
});

describe("two express apps in two processes sharing one Redis", () => {
  let server: RunningServer;
  const workers: Worker[] = [];

  beforeAll(async () => {
    server = await startServer("redis");
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.stdin!.end();
    await Promise.allSettled(workers.map((worker) => worker.exited));
    await server?.stop();
  });

  test("count one limit together: exactly `limit` requests pass, spread over both", async () => {
    const task = { mode: "express", backend: "redis", location: server.url, namespace: randomUUID(), prefix: "shared", limit: 25 };
    workers.push(startWorker(task), startWorker(task));
    const ports = await Promise.all(workers.map(async (worker) => (await worker.next()).port as number));
    const client = { "x-client": randomUUID() };
    // 40 requests, 8 at a time, alternating between the two apps.
    const responses = [];
    for (let batch = 0; batch < 5; batch++) {
      responses.push(...(await Promise.all(Array.from({ length: 8 }, (_, i) => get(`http://127.0.0.1:${ports[i % 2]}/`, client)))));
    }
    const passed = responses.filter((response) => response.status === 200);
    expect(passed).toHaveLength(25);
    expect(responses.filter((response) => response.status === 429)).toHaveLength(15);
    expect(new Set(passed.map((response) => response.body)).size).toBe(2);
    expect(passed.map((response) => Number(response.headers["ratelimit-remaining"])).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });
});
