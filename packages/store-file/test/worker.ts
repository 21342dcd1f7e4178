/*
 * A child process for the multi-process tests, run as plain JavaScript after compile-for-child.ts
 * transpiles it. argv[2] is a JSON task; the process prints one JSON line of results and exits
 * with 1 (printing the problem) the moment it sees a value that is not whole.
 */
import { FileStore } from "@stowage/store-file";
import { withLock } from "../src/entry-lock.js";
import { entryPaths, rootDirectory } from "../src/layout.js";
import { isWholeValue, makeValue } from "./values.js";

interface Task {
  mode: "hammer" | "write-forever" | "increment" | "increment-forever" | "set-if-absent" | "hold-lock";
  path: string;
  namespace?: string;
  keys: string[];
  iterations?: number;
  maxSize: number;
  durable?: boolean;
  /** Operations in flight at once (increment modes). */
  inFlight?: number;
  /** Print "ready" and wait for a line on stdin before starting, so that processes start together. */
  barrier?: boolean;
}

/** Runs `count` calls of `operation`, `inFlight` at a time; resolves their results in call order. */
async function inFlight<T>(count: number, width: number, operation: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await operation(index);
      }
    }),
  );
  return results;
}

async function atomicTask(task: Task, store: FileStore): Promise<boolean> {
  const key = task.keys[0]!;
  if (task.barrier) {
    process.stdout.write("ready\n");
    await new Promise((resolve) => process.stdin.once("data", resolve));
    process.stdin.pause();
  }
  switch (task.mode) {
    case "increment": {
      const values = await inFlight(task.iterations!, task.inFlight ?? 1, () => store.increment(key));
      process.stdout.write(JSON.stringify({ values }) + "\n");
      return true;
    }
    case "set-if-absent": {
      const results = await Promise.all(
        Array.from({ length: task.iterations! }, async (_, i) => {
          const value = `${process.pid}:${i}`;
          return (await store.setIfAbsent(key, value)) ? value : null;
        }),
      );
      process.stdout.write(JSON.stringify({ wins: results.filter((value) => value !== null) }) + "\n");
      return true;
    }
    case "increment-forever":
      process.stdout.write("started\n");
      await inFlight(Number.MAX_SAFE_INTEGER, task.inFlight ?? 1, () => store.increment(key));
      return true;
    case "hold-lock": {
      // Holds the entry's lock until killed, as a writer killed inside increment would.
      const storage = { root: task.path, durable: false, fileMode: 0o600, directoryMode: 0o700, modeChecked: false, chmodFiles: false, timesChecked: false };
      await withLock(entryPaths(rootDirectory(task.path), key).lock, storage, async () => {
        process.stdout.write("locked\n");
        await new Promise(() => setInterval(() => undefined, 60_000));
      });
      return true;
    }
    default:
      return false;
  }
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2]!) as Task;
  const root = new FileStore({ path: task.path, durable: task.durable ?? false });
  const store = task.namespace === undefined ? root : root.withNamespace(task.namespace);
  const pick = () => task.keys[Math.floor(Math.random() * task.keys.length)]!;
  const size = () => 8 + Math.floor(Math.random() * (task.maxSize - 8));
  let sequence = process.pid * 1_000;
  const counts = { sets: 0, reads: 0, hits: 0, deletes: 0, renewals: 0 };
  if (await atomicTask(task, root)) return;

  if (task.mode === "write-forever") {
    // Tell the parent writes have started, then write until killed.
    // Eight writers at once, so that a kill finds several writes half done.
    process.stdout.write("started\n");
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (;;) await store.set(pick(), makeValue(++sequence, size()));
      }),
    );
  }

  for (let i = 0; i < task.iterations!; i++) {
    const key = pick();
    const roll = Math.random();
    if (roll < 0.4) {
      await store.set(key, makeValue(++sequence, size()), Math.random() < 0.5 ? { expiresIn: "1h" } : undefined);
      counts.sets++;
    } else if (roll < 0.45) {
      await store.delete(key);
      counts.deletes++;
    } else {
      const renew = roll > 0.9;
      const value = await store.get(key, renew ? { renewFor: "2h" } : undefined);
      counts.reads++;
      if (renew) counts.renewals++;
      if (value !== null) {
        counts.hits++;
        if (!isWholeValue(value)) {
          process.stdout.write(JSON.stringify({ error: `torn value for ${key}: ${value.byteLength} bytes` }) + "\n");
          process.exit(1);
        }
      }
    }
  }
  process.stdout.write(JSON.stringify(counts) + "\n");
}

main().catch((error: unknown) => {
  process.stdout.write(JSON.stringify({ error: String((error as Error)?.stack ?? error) }) + "\n");
  process.exit(1);
});
