import { runAtomicWorkloads } from "./atomic-workloads.js";
import type { BackendSuite, Contender } from "./contender.js";
import { runThroughput } from "./harness.js";
import { fileSuite } from "./file-contenders.js";
import { memorySuite } from "./memory-contenders.js";
import { parseBenchOptions, UsageError } from "./options.js";
import { redisSuite } from "./redis-contenders.js";
import { runBench } from "./run-bench.js";
import { valkeySuite } from "./valkey-contenders.js";

// Runs the real harness on the real memory contenders at tiny sizes, so the bench cannot rot.
// It checks the shape of the report and the correctness columns, never a speed.

const CONTENDERS = ["Map (floor)", "MemoryStore", "keyv (memory)", "unstorage (memory)", "cache-manager (memory)"];

/** The cells of every Markdown table row whose first cells are `prefix`. */
function rowsStartingWith(markdown: string, ...prefix: string[]): string[][] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("| "))
    .map((line) => line.slice(2, -2).split(" | "))
    .filter((cells) => prefix.every((cell, index) => cells[index] === cell));
}

describe("runBench on the memory contenders", () => {
  const options = parseBenchOptions(["--quick", "--only", "memory", "--ops", "200", "--large-ops", "20", "--rounds", "2", "--delete-entries", "50"]);

  it("prints one row per contender, workload and operation, with numeric ratios to the floor", async () => {
    const report = await runBench(options, { suites: { memory: memorySuite }, log: () => {} });
    for (const workload of ["100 B sequential", "100 B, 64 in flight", "64 KiB sequential", "100 B with 60 s expiry"]) {
      for (const op of ["set", "get"]) {
        const rows = rowsStartingWith(report.markdown, workload, op);
        expect(rows.map((cells) => cells[2])).toEqual(CONTENDERS);
        for (const cells of rows) {
          expect(cells[3]).toMatch(/^[\d,]+$/); // ops/s
          expect(cells[6]).toMatch(/^\d+\.\d\d×$/); // ratio to the floor
        }
        expect(rows[0]![6]).toBe("1.00×");
      }
    }
    for (const [workload, op] of [["increment, 60 s expiry on create", "increment"], ["setIfAbsent of a free key, 60 s expiry", "setIfAbsent"]]) {
      // Only the contenders with atomic operations: the floor's Map counter / has-then-set and MemoryStore.
      const rows = rowsStartingWith(report.markdown, workload!, op!);
      expect(rows.map((cells) => cells[2])).toEqual(["Map (floor)", "MemoryStore"]);
      for (const cells of rows) expect(cells[6]).toMatch(/^\d+\.\d\d×$/);
    }
    const verdicts = rowsStartingWith(report.markdown, "100 B sequential").filter((cells) => cells[2] === "MemoryStore");
    expect(verdicts.map((cells) => cells[8])).toEqual([expect.stringMatching(/^(meets|\*\*misses\*\*)$/), expect.stringMatching(/^(meets|\*\*misses\*\*)$/)]);
    expect(report.meets + report.misses).toBe(2);
    expect(report.markdown).toContain("Memory per entry\n\nNot measured in this run");
  });

  it("reports exact survivors of deleteAll, and the peers that get it wrong", async () => {
    const report = await runBench(parseBenchOptions(["--only", "memory", "--workloads", "delete-all", "--rounds", "1", "--delete-entries", "50"]), {
      suites: { memory: memorySuite },
      log: () => {},
    });
    const survivors = new Map(report.deletes.map((row) => [row.contender, [row.survivorsDeleted[0], row.survivorsSibling[0]]]));
    expect(survivors.get("Map (floor)")).toEqual([0, 50]);
    expect(survivors.get("MemoryStore")).toEqual([0, 50]);
    // unstorage's prefixStorage(...).clear() skips the root mount, so it removes nothing.
    expect(survivors.get("unstorage (memory)")).toEqual([50, 50]);
    expect(survivors.has("cache-manager (memory)")).toBe(false);
    expect(rowsStartingWith(report.markdown, "MemoryStore")[0]).toEqual(["MemoryStore", "50", expect.stringMatching(/^\d/), expect.stringMatching(/^\d+\.\d\d×$/), "0 / 50", "50 / 50", "", ""]);
  });

  it("fails a contender that loses values or changes their bytes", async () => {
    const forgetful = (get: Contender["get"]): BackendSuite => ({
      backend: "memory",
      contenders: [{ name: "forgetful", role: "floor", notes: [], set: async () => {}, get, close: async () => {} }],
      sampleEvery: 1,
      reset: async () => {},
      close: async () => {},
    });
    const workload = { name: "sequential", title: "t", valueBytes: 100, ops: 10, keys: 10, inFlight: 1 } as const;
    await expect(runThroughput(forgetful(async () => null), workload, 1)).rejects.toThrow("forgetful found nothing for 1 of 1 reads");
    await expect(runThroughput(forgetful(async () => new Uint8Array(100)), workload, 1)).rejects.toThrow("forgetful did not read back the bytes");
  });
});

describe("runBench on the file, Redis and Valkey contenders", () => {
  // The same harness over every other backend at tiny sizes: the servers are real (started and
  // stopped by the suites), so a contender that stops working breaks `pnpm test`, not a release.
  it("measures every contender of every backend and checks deleteAll's survivors", async () => {
    const options = parseBenchOptions([
      "--only", "file,redis,valkey", "--workloads", "sequential,in-flight,delete-all",
      "--ops", "64", "--rounds", "1", "--delete-entries", "20",
    ]);
    const report = await runBench(options, { suites: { file: fileSuite, redis: redisSuite, valkey: valkeySuite }, log: () => {} });
    expect(report.markdown).not.toContain("Not run");
    const contenders = new Set(report.phases.map((row) => `${row.backend}: ${row.contender}`));
    expect([...contenders].sort()).toEqual(
      [
        "file: FileStore", "file: unstorage (fs-lite)", "file: writeFile + rename (floor)",
        "redis: RedisStore", "redis: ioredis (floor)", "redis: keyv + @keyv/redis", "redis: unstorage (redis)",
        "redis: keyv + KeyvStowage(RedisStore)",
        "valkey: ValkeyStore", "valkey: iovalkey (floor)", "valkey: keyv + @keyv/valkey", "valkey: unstorage (redis)",
      ].sort(),
    );
    for (const row of report.phases) expect(row.opsPerSecond[0]).toBeGreaterThan(0);
    // Both Keyv adapters store what Keyv serialized: the same bytes per value.
    expect(report.markdown).toContain("| keyv + @keyv/redis | 100 | 156 | 1.56× |");
    expect(report.markdown).toContain("| keyv + KeyvStowage(RedisStore) | 100 | 156 | 1.56× |");
    for (const row of report.deletes.filter((entry) => entry.role !== "peer")) {
      expect([row.contender, row.survivorsDeleted[0], row.survivorsSibling[0]]).toEqual([row.contender, 0, 20]);
    }
  }, 120_000);
});

describe("runBench's atomic workloads on Redis and Valkey", () => {
  it("measures increment and setIfAbsent of each store beside its raw floor, with the 0.9× target", async () => {
    const options = parseBenchOptions(["--only", "redis,valkey", "--workloads", "increment,set-if-absent", "--ops", "40", "--rounds", "2"]);
    const report = await runBench(options, { suites: { redis: redisSuite, valkey: valkeySuite }, log: () => {} });
    const rows = report.phases.map((row) => `${row.backend} ${row.op}: ${row.contender}`);
    expect(rows.sort()).toEqual(
      [
        "redis increment: RedisStore", "redis increment: ioredis (floor)", "redis setIfAbsent: RedisStore", "redis setIfAbsent: ioredis (floor)",
        "valkey increment: ValkeyStore", "valkey increment: iovalkey (floor)", "valkey setIfAbsent: ValkeyStore", "valkey setIfAbsent: iovalkey (floor)",
      ].sort(),
    );
    for (const store of ["RedisStore", "ValkeyStore"]) {
      for (const title of ["increment, 60 s expiry on create", "setIfAbsent of a free key, 60 s expiry"]) {
        const [cells] = rowsStartingWith(report.markdown, title).filter((row) => row[2] === store);
        expect(cells?.[7]).toMatch(/^≥ 0\.9× raw client: \d+\.\d\d×$/);
      }
    }
    expect(report.meets + report.misses).toBe(4);
  }, 120_000);
});

describe("parseBenchOptions", () => {
  it("takes sizes and selections, and ignores the -- that turbo passes through", () => {
    const options = parseBenchOptions(["--", "--quick", "--ops=300", "--rounds", "4", "--only", "redis,memory"]);
    expect(options).toMatchObject({ quick: true, rounds: 4, ops: { memory: 300, redis: 300 }, largeOps: { memory: 16 }, backends: ["memory", "redis"] });
  });

  it("rejects unknown flags and bad values with a UsageError", () => {
    expect(() => parseBenchOptions(["--fast"])).toThrow(UsageError);
    expect(() => parseBenchOptions(["--ops", "0"])).toThrow("--ops takes a positive whole number");
    expect(() => parseBenchOptions(["--only", "mongo"])).toThrow("--only takes a comma-separated list");
  });
});

// The atomic workloads on the real file contenders at tiny sizes: the shape of their rows and the
// exactness checks, never a speed.
describe("the atomic workloads", () => {
  it("the file suite prints increment and setIfAbsent rows for the floor and FileStore", async () => {
    const options = parseBenchOptions(["--only", "file", "--workloads", "increment,set-if-absent", "--ops", "40", "--rounds", "2"]);
    const report = await runBench(options, { suites: { file: fileSuite }, log: () => {} });
    for (const [title, op] of [["increment, 60 s expiry on create", "increment"], ["setIfAbsent of a free key, 60 s expiry", "setIfAbsent"]]) {
      const rows = rowsStartingWith(report.markdown, title!, op!);
      expect(rows.map((cells) => cells[2])).toEqual(["writeFile + rename (floor)", "FileStore"]);
      for (const cells of rows) expect(cells[6]).toMatch(/^\d+\.\d\d×$/);
    }
  }, 60_000);

  it("a contender that loses increments or refuses a free key is caught", async () => {
    const counters = new Map<string, number>();
    const lossy: Contender = {
      name: "lossy",
      role: "floor",
      notes: [],
      set: async () => {},
      get: async (key) => Buffer.from(String(counters.get(key) ?? 0)),
      atomic: {
        increment: async (key) => {
          counters.set(key, 1); // forgets every earlier increment
          return 1;
        },
        setIfAbsent: async () => false, // refuses even a free key
      },
      close: async () => {},
    };
    const suite: BackendSuite = { backend: "file", contenders: [lossy], sampleEvery: 1, reset: async () => {}, close: async () => {} };
    const only = (workload: string) => parseBenchOptions(["--only", "file", "--workloads", workload, "--ops", "300", "--rounds", "1"]);
    await expect(runAtomicWorkloads(suite, only("increment"), () => {})).rejects.toThrow("lossy counted 100 of 330 increments");
    await expect(runAtomicWorkloads(suite, only("set-if-absent"), () => {})).rejects.toThrow("lossy refused 30 of 30 free keys");
  });
});
