import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { assertFreshBuilds, raceNodeProcesses, startNodeProcess } from "@stowage/test-servers";

const packagesDirectory = join(__dirname, "..", "..");

/** The packages a worker loads from their builds. */
const BUILT = ["core", "store-file", "resp-store", "store-redis", "store-valkey", "rate-limit"];

/** Fails loudly when a package the workers load has no fresh build (see assertFreshBuilds). */
export const assertWorkerBuilds = () => assertFreshBuilds(packagesDirectory, BUILT);

/** A worker process (test/worker.cjs) and its JSON lines. */
export interface Worker {
  child: ChildProcess;
  /** The next JSON line the worker prints. */
  next(): Promise<Record<string, unknown>>;
  /** Resolves when the worker exits, rejecting unless it exited with 0. */
  exited: Promise<void>;
}

const WORKER = join(__dirname, "worker.cjs");

function parse(line: string): Record<string, unknown> {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  if (parsed.error !== undefined) throw new Error(`worker failed: ${String(parsed.error)}`);
  return parsed;
}

/** Starts test/worker.cjs with `task`. */
export function startWorker(task: object): Worker {
  const worker = startNodeProcess(WORKER, { args: [JSON.stringify(task)] });
  return { child: worker.child, exited: worker.exited, next: async () => parse(await worker.nextLine()) };
}

/** Starts a worker per task, lets them all go at once once ready, and resolves their results. */
export async function raceWorkers(tasks: readonly object[]): Promise<Array<Record<string, unknown>>> {
  const results = await raceNodeProcesses(tasks.map((task) => startNodeProcess(WORKER, { args: [JSON.stringify(task)] })));
  return results.map(parse);
}
