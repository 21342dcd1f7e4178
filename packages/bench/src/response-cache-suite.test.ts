import { parseBenchOptions } from "./options.js";
import { responseCacheTable, runResponseCacheBench } from "./response-cache-suite.js";

// Runs the real response-cache suite (real Express apps, load from a second process) at a tiny
// size, checking the report's shape and the correctness columns, never a speed.

test("the response-cache suite measures the three contenders and the cached ones never run the handler under load", async () => {
  const options = { rounds: 1, durationMs: 300, connections: 4 };
  const results = await runResponseCacheBench(options, () => {});
  expect(results.map((result) => [result.contender, result.role])).toEqual([
    ["express, uncached", "floor"],
    ["responseCache (MemoryStore)", "stowage"],
    ["apicache 1.6.3 (memory)", "peer"],
  ]);
  for (const result of results) {
    expect(result.requestsPerSecond[0]).toBeGreaterThan(0);
    expect(result.failed).toEqual([0]);
  }
  expect(results[0]!.handlerRuns[0]).toBeGreaterThan(0);
  expect([results[1]!.handlerRuns, results[2]!.handlerRuns]).toEqual([[0], [0]]);
  const table = responseCacheTable(results, options);
  expect(table).toContain("| express, uncached |");
  expect(table).toMatch(/\| responseCache \(MemoryStore\) \| [\d,]+ \| \d+\.\d\d× \| \d+\.\d\d× \| 0 \| 0 \|/);
}, 60_000);

test("--only response-cache selects the suite alone; --quick shortens its load", () => {
  const only = parseBenchOptions(["--only", "response-cache"]);
  expect([only.backends, only.integrations]).toEqual([[], ["response-cache"]]);
  expect(parseBenchOptions(["--quick"]).http).toEqual({ durationMs: 1_000, connections: 32 });
  expect(parseBenchOptions([]).http).toEqual({ durationMs: 5_000, connections: 32 });
});
