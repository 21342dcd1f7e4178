// The rate-limit suite: hits per second through @stowage/rate-limit's RateLimitStore against the
// stores users would pick instead, on the same ids, in one run: express-rate-limit's own
// MemoryStore beside RateLimitStore on MemoryStore, and rate-limit-redis on ioredis beside
// RateLimitStore on RedisStore, both on one Redis server the suite starts.
import { MemoryStore } from "@stowage/core";
import { RateLimitStore } from "@stowage/rate-limit";
import { RedisStore } from "@stowage/store-redis";
import { startServer } from "@stowage/test-servers";
import { MemoryStore as ExpressMemoryStore, type Options } from "express-rate-limit";
import { Redis } from "ioredis";
import { RedisStore as RateLimitRedisStore, type RedisReply } from "rate-limit-redis";
import { closeAll } from "./contender.js";
import { rotate, roundRatio } from "./harness.js";
import { integer, micros, ratioText, table, type Verdict } from "./report.js";
import type { IntegrationSuite } from "./run-bench.js";
import { median, quantile } from "./stats.js";

/** Something that counts hits per id: an express-rate-limit `Store` seen through `increment`. */
interface HitContender {
  readonly name: string;
  readonly role: "stowage" | "peer";
  readonly notes: readonly string[];
  /** Counts a hit; resolves the id's hits in the window so far. */
  hit(id: string): Promise<number>;
  close(): Promise<void>;
}

/** One contender's figures for one workload, one number per round. */
export interface RateLimitRow {
  readonly group: "memory" | "redis";
  readonly workload: string;
  readonly contender: string;
  readonly role: "stowage" | "peer";
  readonly notes: readonly string[];
  readonly opsPerSecond: number[];
  readonly p50Micros: number[];
  readonly p99Micros: number[];
}

/** Sizes of a rate-limit run. */
export interface RateLimitBenchOptions {
  readonly rounds: number;
  /** Hits per workload and round. */
  readonly ops: { memory: number; redis: number };
  readonly inFlight: number;
  readonly groups: ReadonlyArray<"memory" | "redis">;
  readonly log: (line: string) => void;
}

/** The window every contender counts in: long enough that no window ends during a run. */
const WINDOW = { windowMs: 10 * 60_000 } as Options;
/** Hits per id and round (at least): a tenth of the hits start a window, at most. */
const HITS_PER_ID = 10;
/** Ids per round, at most: a few windows per id, as a limiter in front of real clients sees. */
const MAX_IDS = 1_000;

function initialized<T extends { init?(options: Options): unknown }>(store: T): T {
  store.init?.(WINDOW);
  return store;
}

function memoryContenders(): HitContender[] {
  const stowage = initialized(new RateLimitStore({ store: new MemoryStore() }));
  const express = initialized(new ExpressMemoryStore());
  return [
    { name: "RateLimitStore on MemoryStore", role: "stowage", notes: [], hit: async (id) => (await stowage.increment(id)).totalHits, close: async () => {} },
    {
      name: "express-rate-limit MemoryStore",
      role: "peer",
      notes: ["windows aligned to the store's own timer, not anchored at each client's first hit"],
      hit: async (id) => (await express.increment(id)).totalHits,
      close: async () => express.shutdown(),
    },
  ];
}

function redisContenders(url: string): HitContender[] {
  const store = RedisStore.withClient({ url });
  const stowage = initialized(new RateLimitStore({ store }));
  const client = new Redis(url);
  const peer = initialized(new RateLimitRedisStore({ sendCommand: (...args: string[]) => client.call(args[0]!, ...args.slice(1)) as Promise<RedisReply> }));
  return [
    { name: "RateLimitStore on RedisStore", role: "stowage", notes: [], hit: async (id) => (await stowage.increment(id)).totalHits, close: () => store.close() },
    {
      name: "rate-limit-redis on ioredis",
      role: "peer",
      notes: ["one EVALSHA per hit (PTTL, then SET PX or INCR)"],
      hit: async (id) => (await peer.increment(id)).totalHits,
      close: async () => void (await client.quit()),
    },
  ];
}

/**
 * `ops` hits, `inFlight` at a time, on ids `<round>:<n>` in turn; checks that every id ends with
 * exactly the hits it got.
 *
 * @throws Error when a contender miscounts.
 */
async function measure(contender: HitContender, round: string, ops: number, inFlight: number) {
  const idCount = Math.max(1, Math.min(MAX_IDS, Math.floor(ops / HITS_PER_ID)));
  const ids = Array.from({ length: idCount }, (_, n) => `${round}:${n}`);
  const highest = new Map<string, number>();
  const samples = new Float64Array(ops);
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < ops; index = next++) {
      const id = ids[index % idCount]!;
      const started = performance.now();
      const count = await contender.hit(id);
      samples[index] = performance.now() - started;
      highest.set(id, Math.max(highest.get(id) ?? 0, count));
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(inFlight, ops) }, lane));
  const elapsed = performance.now() - started;
  for (const [n, id] of ids.entries()) {
    const expected = Math.floor(ops / idCount) + (n < ops % idCount ? 1 : 0);
    if ((highest.get(id) ?? 0) !== expected) throw new Error(`${contender.name} counted ${highest.get(id) ?? 0} hits for ${id}, expected ${expected}`);
  }
  const sorted = samples.sort();
  return { opsPerSecond: (ops / elapsed) * 1_000, p50Micros: quantile(sorted, 0.5) * 1_000, p99Micros: quantile(sorted, 0.99) * 1_000 };
}

async function runGroup(group: "memory" | "redis", contenders: HitContender[], options: RateLimitBenchOptions): Promise<RateLimitRow[]> {
  const rows: RateLimitRow[] = [];
  const ops = options.ops[group];
  for (const [workload, inFlight] of [["sequential", 1], [`${options.inFlight} in flight`, options.inFlight]] as const) {
    options.log(`rate-limit ${group}: ${workload}, ${ops} hits x ${options.rounds} rounds`);
    const byContender = new Map(contenders.map((contender) => [contender, { opsPerSecond: [] as number[], p50Micros: [] as number[], p99Micros: [] as number[] }]));
    for (const contender of contenders) await measure(contender, `warm-${workload}`, Math.min(ops, 2_000), inFlight);
    for (let round = 0; round < options.rounds; round++) {
      for (const contender of rotate(contenders, round)) {
        const figures = await measure(contender, `${workload}-${round}`, ops, inFlight);
        const row = byContender.get(contender)!;
        row.opsPerSecond.push(figures.opsPerSecond);
        row.p50Micros.push(figures.p50Micros);
        row.p99Micros.push(figures.p99Micros);
      }
    }
    for (const [contender, figures] of byContender) rows.push({ group, workload, contender: contender.name, role: contender.role, notes: contender.notes, ...figures });
  }
  return rows;
}

/**
 * The rows as a Markdown table with each Stowage row's median per-round ratio to its peer, and
 * the verdicts. The target, at least 1.0× rate-limit-redis, applies to the Redis rows;
 * the memory rows compare a store of bytes through the Store contract with a Map of numbers, for
 * information.
 */
export function rateLimitTable(rows: readonly RateLimitRow[]): { markdown: string; verdicts: Verdict[] } {
  const verdicts: Verdict[] = [];
  const body = rows.map((row) => {
    const peer = rows.find((other) => other.group === row.group && other.workload === row.workload && other.role === "peer");
    const ratio = row.role === "stowage" && peer ? roundRatio(row.opsPerSecond, peer.opsPerSecond) : NaN;
    const verdict = row.group === "redis" && Number.isFinite(ratio) ? { text: `≥ 1.0× ${peer!.contender}: ${ratioText(ratio)}`, meets: ratio >= 1 } : undefined;
    if (verdict) verdicts.push(verdict);
    return [
      `${row.group}, ${row.workload}`,
      row.contender,
      integer(median(row.opsPerSecond)),
      micros(median(row.p50Micros)),
      micros(median(row.p99Micros)),
      Number.isFinite(ratio) ? ratioText(ratio) : "",
      verdict?.text ?? "",
      verdict ? (verdict.meets ? "meets" : "**misses**") : "",
    ];
  });
  const notes = [...new Set(rows.flatMap((row) => row.notes.map((note) => `- ${row.contender}: ${note}`)))];
  const header = ["workload", "contender", "hits/s", "p50 µs", "p99 µs", "× peer", "target", "verdict"];
  return { markdown: [table(header, body), ...(notes.length > 0 ? [notes.join("\n")] : [])].join("\n\n"), verdicts };
}

/**
 * Runs the rate-limit suite (`--only rate-limit`, and part of every full run): the memory group,
 * then the Redis group on a server of its own, which it stops even when a workload fails.
 *
 * @throws Error when a contender miscounts or a server cannot be started.
 */
export async function runRateLimitBench(options: RateLimitBenchOptions): Promise<{ markdown: string; rows: RateLimitRow[]; verdicts: Verdict[] }> {
  const rows: RateLimitRow[] = [];
  if (options.groups.includes("memory")) {
    const contenders = memoryContenders();
    try {
      rows.push(...(await runGroup("memory", contenders, options)));
    } finally {
      await closeAll(contenders);
    }
  }
  if (options.groups.includes("redis")) {
    const server = await startServer("redis");
    try {
      const contenders = redisContenders(server.url);
      try {
        rows.push(...(await runGroup("redis", contenders, options)));
      } finally {
        await closeAll(contenders);
      }
    } finally {
      await server.stop();
    }
  }
  const { markdown, verdicts } = rateLimitTable(rows);
  const intro = `Hits per second through each store's \`increment\` (what the middleware calls per request): ids in turn in a 10-minute window, at most ${MAX_IDS} ids and at least ${HITS_PER_ID} hits per id, so at most a tenth of the hits start a window.`;
  return { markdown: `## rate limiting\n\n${intro}\n\n${markdown}`, rows, verdicts };
}

/** The suite as the bench runs it, at the run's sizes. */
export const rateLimitBench: IntegrationSuite = (options, log) =>
  runRateLimitBench({ rounds: options.rounds, ops: { memory: options.ops.memory, redis: options.ops.redis }, inFlight: options.inFlight, groups: ["memory", "redis"], log });
