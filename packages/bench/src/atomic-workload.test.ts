import { runAtomic } from "./atomic-workload.js";
import type { BackendSuite, Contender } from "./contender.js";
import { fileSuite } from "./file-contenders.js";
import { parseBenchOptions } from "./options.js";
import { runBench } from "./run-bench.js";

// The atomic workload on the real file contenders at tiny sizes: the shape of its rows and the
// exactness checks, never a speed.

/** The cells of every Markdown table row whose first cells are `prefix`. */
function rowsStartingWith(markdown: string, ...prefix: string[]): string[][] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("| "))
    .map((line) => line.slice(2, -2).split(" | "))
    .filter((cells) => prefix.every((cell, index) => cells[index] === cell));
}

test("the file suite prints increment and setIfAbsent rows for the floor and FileStore", async () => {
  const options = parseBenchOptions(["--only", "file", "--workloads", "atomic", "--ops", "40", "--rounds", "2"]);
  const report = await runBench(options, { suites: { file: fileSuite }, log: () => {} });
  for (const op of ["increment", "setIfAbsent"]) {
    const rows = rowsStartingWith(report.markdown, "increment / setIfAbsent, sequential", op);
    expect(rows.map((cells) => cells[2])).toEqual(["writeFile + rename (floor)", "FileStore"]);
    for (const cells of rows) expect(cells[6]).toMatch(/^\d+\.\d\d×$/);
  }
}, 60_000);

test("a contender that loses increments or writes twice is caught", async () => {
  const counters = new Map<string, number>();
  const lossy: Contender = {
    name: "lossy",
    role: "floor",
    notes: [],
    set: async () => {},
    get: async (key) => Buffer.from(String(counters.get(key) ?? 0)),
    increment: async (key) => {
      counters.set(key, 1); // forgets every earlier increment
      return 1;
    },
    setIfAbsent: async () => true, // writes every time
    close: async () => {},
  };
  const suite: BackendSuite = { backend: "file", contenders: [lossy], sampleEvery: 1, reset: async () => {}, close: async () => {} };
  const workload = { name: "atomic", title: "t", valueBytes: 10, ops: 3_000, keys: 3_000, inFlight: 1 } as const;
  await expect(runAtomic(suite, workload, 1)).rejects.toThrow("lossy's counters sum to 100 after 300 increments");
  lossy.increment = async (key) => {
    const next = (counters.get(key) ?? 0) + 1;
    counters.set(key, next);
    return next;
  };
  counters.clear();
  await expect(runAtomic(suite, workload, 1)).rejects.toThrow("lossy's setIfAbsent wrote 300 times for 150 keys");
});
