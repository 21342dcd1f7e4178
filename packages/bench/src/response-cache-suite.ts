import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MemoryStore } from "@stowage/core";
import { responseCache } from "@stowage/response-cache";
import apicache from "apicache";
import express, { type RequestHandler } from "express";
import type { ContenderRole } from "./contender.js";
import { roundRatio } from "./harness.js";
import { runLoad } from "./http-load.js";
import type { BenchOptions } from "./options.js";
import { median } from "./stats.js";

/** Sizes of the response-cache suite. */
export interface ResponseCacheBenchOptions {
  rounds: number;
  /** Load per contender and round. */
  durationMs: number;
  /** Keep-alive connections the load process keeps busy. */
  connections: number;
}

/** One contender's figures: requests per second and handler runs under load, one number per round. */
export interface HttpResult {
  readonly contender: string;
  readonly role: ContenderRole;
  readonly notes: readonly string[];
  readonly requestsPerSecond: number[];
  readonly handlerRuns: number[];
  readonly failed: number[];
}

interface HttpContender {
  name: string;
  role: ContenderRole;
  notes: string[];
  /** The middleware in front of the route, none for the uncached baseline. */
  middleware?: RequestHandler;
  close(): Promise<void>;
}

const PATH = "/products?page=1&sort=name";

/** The route every contender serves: a JSON list of 50 products (about 4 KiB), built per call. */
function productsRoute(counter: { runs: number }): RequestHandler {
  return (req, res) => {
    counter.runs++;
    const page = Number(req.query.page ?? 1);
    const products = Array.from({ length: 50 }, (_, index) => ({
      id: page * 100 + index,
      name: `product ${index}`,
      price: Math.round((index * 7.3 + page) * 100) / 100,
      tags: ["kitchen", index % 2 ? "sale" : "new"],
    }));
    res.json({ page, sort: req.query.sort, products });
  };
}

function contenders(): HttpContender[] {
  const store = new MemoryStore();
  const apicacheInstance = apicache.newInstance({ statusCodes: { include: [200] } });
  return [
    { name: "express, uncached", role: "floor", notes: [], close: async () => {} },
    { name: "responseCache (MemoryStore)", role: "stowage", notes: [], middleware: responseCache({ store, expiresIn: "5m" }), close: () => store.close() },
    {
      name: "apicache 1.6.3 (memory)",
      role: "peer",
      notes: ["keyed by the URL as sent (query order matters, no host, no Vary); caches responses that set cookies; adds Cache-Control: max-age"],
      middleware: apicacheInstance.middleware("5 minutes"),
      // Clearing key by key also stops apicache's expiry timers (clearing everything at once leaves them running).
      close: async () => {
        for (const key of apicacheInstance.getIndex().all) apicacheInstance.clear(key);
      },
    },
  ];
}

async function serve(contender: HttpContender, counter: { runs: number }): Promise<Server> {
  const app = express();
  if (contender.middleware) app.use(contender.middleware);
  app.get("/products", productsRoute(counter));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/**
 * Requests per second of one Express route uncached, through `responseCache` on a MemoryStore,
 * and through apicache, with the load from a second process; each round runs every contender
 * once, in an order rotated by one each round, after one priming request.
 */
export async function runResponseCacheBench(options: ResponseCacheBenchOptions, log: (line: string) => void): Promise<HttpResult[]> {
  const all = contenders();
  const results = all.map((contender): HttpResult => ({ contender: contender.name, role: contender.role, notes: contender.notes, requestsPerSecond: [], handlerRuns: [], failed: [] }));
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (let turn = 0; turn < all.length; turn++) {
        const index = (turn + round) % all.length;
        const counter = { runs: 0 };
        const server = await serve(all[index]!, counter);
        try {
          const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;
          // One request first: the cached contenders' miss, so the load measures hits.
          const primed = await fetch(url);
          await primed.arrayBuffer();
          if (primed.status !== 200) throw new Error(`${all[index]!.name}: the priming request got ${primed.status}`);
          counter.runs = 0;
          log(`response-cache: ${all[index]!.name}, round ${round + 1}, ${options.durationMs} ms x ${options.connections} connections`);
          const load = await runLoad(url, options.connections, options.durationMs);
          results[index]!.requestsPerSecond.push(load.ok / load.seconds);
          results[index]!.handlerRuns.push(counter.runs);
          results[index]!.failed.push(load.failed);
        } finally {
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
        }
      }
    }
  } finally {
    await Promise.all(all.map((contender) => contender.close()));
  }
  return results;
}

const number = (value: number) => Math.round(value).toLocaleString("en-US");
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "n/a");

/** The Markdown section of the suite: one row per contender, ratios of the same rounds. */
export function responseCacheTable(results: readonly HttpResult[], options: ResponseCacheBenchOptions): string {
  const floor = results.find((result) => result.role === "floor")!;
  const peer = results.find((result) => result.role === "peer");
  const rows = results.map((result) =>
    `| ${result.contender} | ${number(median(result.requestsPerSecond))} | ${ratio(roundRatio(result.requestsPerSecond, floor.requestsPerSecond))} | ` +
    `${peer ? ratio(roundRatio(result.requestsPerSecond, peer.requestsPerSecond)) : "n/a"} | ${Math.max(...result.handlerRuns)} | ${result.failed.reduce((sum, value) => sum + value, 0)} |`,
  );
  const notes = results.flatMap((result) => result.notes.map((note) => `- ${result.contender}: ${note}`));
  return [
    "## response-cache (Express, HTTP over loopback)",
    `\`GET ${PATH}\`, a 4 KiB JSON list built per call; load from a second process over ${options.connections} keep-alive connections, ` +
      `${options.durationMs} ms per contender and round, ${options.rounds} rounds; ratios are medians of per-round ratios.`,
    "| contender | requests/s | × uncached | × apicache | handler runs under load (max of rounds) | failed requests |\n|---|---:|---:|---:|---:|---:|\n" + rows.join("\n"),
    ...(notes.length ? [notes.join("\n")] : []),
  ].join("\n\n");
}

/** The suite as `--only response-cache` runs it: the run's rounds and HTTP sizes; no targets to check. */
export async function runResponseCacheIntegration(options: BenchOptions, log: (line: string) => void): Promise<{ markdown: string; verdicts: [] }> {
  const sizes = { rounds: options.rounds, ...options.http };
  return { markdown: responseCacheTable(await runResponseCacheBench(sizes, log), sizes), verdicts: [] };
}
