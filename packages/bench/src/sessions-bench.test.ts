import { parseBenchOptions } from "./options.js";
import { runSessionsBench } from "./sessions-bench.js";

// Runs the real sessions suite (a real Redis server, both stores) at tiny sizes, so it cannot
// rot. It checks the shape of the report and that no session is lost, never a speed.
describe("runSessionsBench", () => {
  it("measures set, get and touch of both stores, sequential and in flight, and the bytes each keeps", async () => {
    const options = parseBenchOptions(["--only", "sessions", "--ops", "64", "--rounds", "1"]);
    expect(options.backends).toEqual([]);
    const report = await runSessionsBench(options, () => {});
    expect(report.rows.map((row) => `${row.workload} ${row.op} ${row.contender}`)).toEqual(
      ["sequential", "64 in flight"].flatMap((workload) =>
        ["SessionStore (RedisStore)", "connect-redis (node-redis)"].flatMap((contender) => ["set", "get", "touch"].map((op) => `${workload} ${op} ${contender}`)),
      ),
    );
    for (const row of report.rows) expect(row.opsPerSecond[0]).toBeGreaterThan(0);
    expect(report.verdicts).toHaveLength(6);
    expect(report.markdown).toMatch(/\| SessionStore \(RedisStore\) \| `stowage:sessions\\\|sid-[^`]+` \| \d+ \| \d+ \| \d+ \|/);
    expect(report.markdown).toMatch(/\| connect-redis \(node-redis\) \| `sess:sid-[^`]+` \| \d+ \| \d+ \| \d+ \|/);
  }, 60_000);
});
