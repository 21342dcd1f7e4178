import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { workerProcesses } from "../test/processes.js";
import { isWholeValue, makeValue } from "../test/values.js";
import { FileStore } from "./index.js";
import { rootDirectory } from "./layout.js";

// Several processes, each with its own FileStore on one directory. The children are real Node
// processes running the transpiled sources (see test/compile-for-child.ts).
jest.setTimeout(60_000);

const workers = workerProcesses();
beforeAll(() => workers.setUp());
afterAll(() => workers.tearDown());
const startWorker = (task: object) => workers.start(task);
let scratch: string;
beforeAll(() => {
  scratch = workers.scratch;
});

const keys = Array.from({ length: 12 }, (_, i) => `shared/key ${i} ü`);

test("processes writing, renewing, deleting and reading the same keys only ever read whole values", async () => {
  const path = join(scratch, "hammer");
  const runs = Array.from({ length: 4 }, (_, i) =>
    startWorker({ mode: "hammer", path, namespace: i % 2 === 0 ? undefined : "ns", keys, iterations: 1_500, maxSize: 64 * 1024 }),
  );
  // This process reads the same keys while the children run.
  const local = new FileStore({ path });
  let done = false;
  const reader = (async () => {
    let reads = 0;
    while (!done) {
      const value = await local.get(keys[reads++ % keys.length]!);
      if (value !== null) expect(isWholeValue(value)).toBe(true);
    }
    return reads;
  })();
  const results = await Promise.all(runs.map((run) => run.output));
  done = true;
  expect(await reader).toBeGreaterThan(0);
  for (const result of results) {
    if (result.code !== 0) throw new Error(`a worker failed: ${result.stdout}`);
    const counts = JSON.parse(result.stdout.trim()) as { sets: number; hits: number };
    expect(counts.sets).toBeGreaterThan(0);
    expect(counts.hits).toBeGreaterThan(0);
  }
  // Each process saw the others' writes: every key ends up whole or absent, in both namespaces.
  for (const store of [local, local.withNamespace("ns")]) {
    for (const key of keys) {
      const value = await store.get(key);
      if (value !== null) expect(isWholeValue(value)).toBe(true);
    }
  }
});

test("a writer killed with SIGKILL mid-write leaves every entry whole or absent", async () => {
  const path = join(scratch, "killed");
  const store = new FileStore({ path });
  for (const key of keys) await store.set(key, makeValue(1, 100));
  for (let round = 0; round < 12; round++) {
    // Large values keep the writer inside writes most of the time; kill it at a random moment.
    const { child, output } = startWorker({ mode: "write-forever", path, keys, maxSize: 512 * 1024, durable: round % 3 === 0 });
    await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
    child.kill("SIGKILL");
    expect((await output).signal).toBe("SIGKILL");
    for (const key of keys) {
      const value = await store.get(key);
      expect(value).not.toBeNull(); // every key was written whole before the first kill
      expect(isWholeValue(value!)).toBe(true);
    }
  }
  // The kills leave temporary files behind; they are recognised, and never read as entries.
  const data = rootDirectory(path);
  const leftovers = (await Promise.all((await readdir(data)).map((fanOut) => readdir(join(data, fanOut))))).flat();
  expect(leftovers.every((name) => /^[0-9a-f]{64}$/.test(name) || name.startsWith(".tmp-"))).toBe(true);
  // Proof that kills landed mid-write: the killed writers' temporary files.
  expect(leftovers.filter((name) => name.startsWith(".tmp-")).length).toBeGreaterThan(0);
  await expect(store.deleteExpired()).resolves.toBe(0);
  // A minute on, deleteExpired reclaims them and keeps every entry.
  jest.spyOn(Date, "now").mockReturnValue(Date.now() + 120_000);
  await expect(store.deleteExpired()).resolves.toBe(0);
  jest.restoreAllMocks();
  const after = (await Promise.all((await readdir(data)).map((fanOut) => readdir(join(data, fanOut))))).flat();
  expect(after.filter((name) => name.startsWith(".tmp-"))).toEqual([]);
  for (const key of keys) expect(isWholeValue((await store.get(key))!)).toBe(true);
});
