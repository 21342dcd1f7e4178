import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { lastJson, workerProcesses, type Worker } from "../test/processes.js";
import { breakIfStale } from "./entry-lock.js";
import { FileStore } from "./index.js";
import { entryPaths, rootDirectory } from "./layout.js";

// increment and setIfAbsent across separate OS processes, each with its own FileStore on one
// directory, and the recovery of a lock whose holder was killed. The work is bounded (1,000
// increments, 200 setIfAbsent calls); the timeout is generous because CI runs every package's
// tests at once on 2 cores, where starting 4 Node processes alone can take seconds.
jest.setTimeout(120_000);

const workers = workerProcesses();
beforeAll(() => workers.setUp());
afterAll(() => workers.tearDown());

/** Starts `count` workers that wait at a barrier, then lets them all go at once. */
async function startTogether(count: number, task: (index: number) => object): Promise<Worker[]> {
  const started = Array.from({ length: count }, (_, index) => workers.start({ ...task(index), barrier: true }));
  await Promise.all(started.map((worker) => worker.printed("ready")));
  for (const worker of started) worker.child.stdin!.end("go\n");
  return started;
}

const text = (value: Uint8Array | null) => (value === null ? null : Buffer.from(value).toString("utf8"));

test("4 processes × 250 increments, 16 in flight each, return exactly 1..1000 and leave 1000", async () => {
  const path = join(workers.scratch, "increments");
  const key = "hits/ü 1";
  const started = await startTogether(4, () => ({ mode: "increment", path, keys: [key], iterations: 250, inFlight: 16, maxSize: 0 }));
  const values = (await Promise.all(started.map(async (worker) => lastJson<{ values: number[] }>(await worker.output).values))).flat();
  expect(values).toHaveLength(1_000);
  expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
  const store = new FileStore({ path });
  expect(text(await store.get(key))).toBe("1000");
  // No lock, temporary or aside file is left behind: the fan-out directory holds the entry only.
  const entry = entryPaths(rootDirectory(path), key).path;
  expect(await readdir(dirname(entry))).toEqual([basename(entry)]);
});

test("4 processes × 50 concurrent setIfAbsent give exactly one true, and get returns its value", async () => {
  const path = join(workers.scratch, "set-if-absent");
  const key = "lock:report";
  const started = await startTogether(4, () => ({ mode: "set-if-absent", path, keys: [key], iterations: 50, maxSize: 0 }));
  const wins = (await Promise.all(started.map(async (worker) => lastJson<{ wins: string[] }>(await worker.output).wins))).flat();
  expect(wins).toHaveLength(1);
  expect(text(await new FileStore({ path }).get(key))).toBe(wins[0]);
});

test("a lock whose holder was killed with SIGKILL is recovered, and the counter goes on", async () => {
  const path = join(workers.scratch, "killed-holder");
  const key = "counter";
  const store = new FileStore({ path });
  expect(await store.increment(key)).toBe(1);
  const holder = workers.start({ mode: "hold-lock", path, keys: [key], maxSize: 0 });
  await holder.printed("locked");
  // While the holder lives, its lock is not stale.
  const { lock } = entryPaths(rootDirectory(path), key);
  const storage = { root: path, durable: false, fileMode: 0o600, directoryMode: 0o700, modeChecked: false, chmodFiles: false, timesChecked: false };
  expect(await breakIfStale(lock, storage)).toBe(false);
  holder.child.kill("SIGKILL");
  expect((await holder.output).signal).toBe("SIGKILL");
  // Its process is gone: the lock is stale at once (no waiting for its age), and increments go on.
  expect(await store.increment(key)).toBe(2);
  expect(await store.setIfAbsent(key, "x")).toBe(false);
  await store.delete(key);
  expect(await store.get(key)).toBeNull();
});

test("incrementers killed at random moments never lose the counter or block it", async () => {
  const path = join(workers.scratch, "killed-incrementers");
  const key = "counter";
  const store = new FileStore({ path });
  let last = await store.increment(key);
  for (let round = 0; round < 6; round++) {
    const worker = workers.start({ mode: "increment-forever", path, keys: [key], inFlight: 16, maxSize: 0 });
    await worker.printed("started");
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
    worker.child.kill("SIGKILL");
    expect((await worker.output).signal).toBe("SIGKILL");
    // Whatever the killed process was doing (holding the lock, or the entry aside), the counter
    // is still a counter, never went back, and the next increment proceeds.
    const next = await store.increment(key);
    expect(next).toBeGreaterThan(last);
    expect(text(await store.get(key))).toBe(String(next));
    last = next;
  }
});
