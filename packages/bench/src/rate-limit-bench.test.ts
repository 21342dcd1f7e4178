import { runRateLimitBench } from "./rate-limit-bench.js";

// Runs the rate-limit suite on its real contenders (a real Redis server) at tiny sizes, so it
// cannot rot: the shape of the report and the counts every contender must get right, never a speed.
jest.setTimeout(120_000);

test("every contender counts every id exactly; one row per contender and workload, ratios on the Stowage rows", async () => {
  const report = await runRateLimitBench({ rounds: 2, ops: { memory: 3_000, redis: 2_500 }, inFlight: 16, groups: ["memory", "redis"], log: () => {} });
  const rows = report.markdown.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| workload") && !line.startsWith("| ---")).map((line) => line.slice(2, -2).split(" | "));
  expect(rows.map((cells) => `${cells[0]} / ${cells[1]}`)).toEqual([
    "memory, sequential / RateLimitStore on MemoryStore",
    "memory, sequential / express-rate-limit MemoryStore",
    "memory, 16 in flight / RateLimitStore on MemoryStore",
    "memory, 16 in flight / express-rate-limit MemoryStore",
    "redis, sequential / RateLimitStore on RedisStore",
    "redis, sequential / rate-limit-redis on ioredis",
    "redis, 16 in flight / RateLimitStore on RedisStore",
    "redis, 16 in flight / rate-limit-redis on ioredis",
  ]);
  for (const cells of rows) expect(cells[2]).toMatch(/^[\d,]+$/);
  for (const cells of rows.filter((row) => row[1]!.startsWith("RateLimitStore"))) expect(cells[5]).toMatch(/^\d+\.\d\d×$/);
  expect(rows.filter((cells) => cells[6]!.startsWith("≥ 1.0× rate-limit-redis")).map((cells) => cells[0])).toEqual(["redis, sequential", "redis, 16 in flight"]);
  expect(report.verdicts).toHaveLength(2);
});
