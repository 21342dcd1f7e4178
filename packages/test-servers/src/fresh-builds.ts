import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

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
 * Fails loudly when one of the `packages` (folder names under `packagesDirectory`) has no build,
 * or one older than its sources: cross-process tests run real processes on the built packages,
 * as an application runs them (`pnpm test` builds them first through turbo), and must not test
 * yesterday's code.
 *
 * @throws Error naming the first stale package and what to run.
 */
export async function assertFreshBuilds(packagesDirectory: string, packages: readonly string[]): Promise<void> {
  for (const name of packages) {
    const built = await stat(join(packagesDirectory, name, "dist", "index.cjs")).catch(() => null);
    const stale = built === null ? "no build" : built.mtimeMs < (await newestSource(join(packagesDirectory, name, "src"))) ? "a build older than its sources" : undefined;
    if (stale !== undefined) throw new Error(`packages/${name} has ${stale}: run \`pnpm build\` first (pnpm test does).`);
  }
}
