import type { ChildProcess } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { startNodeProcess } from "@stowage/test-servers";

const packagesDirectory = join(__dirname, "..", "..");

/** The packages a worker loads from their builds. */
const BUILT = ["core", "store-file", "resp-store", "store-redis", "store-valkey", "rate-limit"];

async function newestSource(directory: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(directory, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
      newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
    }
  }
  return newest;
}

/**
 * Fails loudly when a package the workers load has no build, or one older than its sources:
 * the workers are real processes on the built packages, as an application runs them (`pnpm
 * test` builds them first through turbo).
 */
export async function assertFreshBuilds(): Promise<void> {
  for (const name of BUILT) {
    const built = await stat(join(packagesDirectory, name, "dist", "index.cjs")).catch(() => null);
    const source = await newestSource(join(packagesDirectory, name, "src"));
    if (built === null || built.mtimeMs < source) {
      throw new Error(`packages/${name} has ${built === null ? "no build" : "a build older than its sources"}: run \`pnpm build\` first (pnpm test does).`);
    }
  }
}

/** A worker process (test/worker.cjs) and its JSON lines. */
export interface Worker {
  child: ChildProcess;
  /** The next JSON line the worker prints. */
  next(): Promise<Record<string, unknown>>;
  /** Resolves when the worker exits, rejecting unless it exited with 0. */
  exited: Promise<void>;
}

/** Starts test/worker.cjs with `task`. */
export function startWorker(task: object): Worker {
  const worker = startNodeProcess(join(__dirname, "worker.cjs"), { args: [JSON.stringify(task)] });
  return {
    child: worker.child,
    exited: worker.exited,
    async next() {
      const parsed = JSON.parse(await worker.nextLine()) as Record<string, unknown>;
      if (parsed.error !== undefined) throw new Error(`worker failed: ${String(parsed.error)}`);
      return parsed;
    },
  };
}
