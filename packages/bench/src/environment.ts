import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";

/** The packages whose versions a report names. */
const PACKAGES = ["ioredis", "iovalkey", "keyv", "@keyv/redis", "@keyv/valkey", "unstorage", "cache-manager", "connect-redis", "redis", "express-session"] as const;

/** The installed version of `name`, found by walking up from its entry point (some hide package.json from `exports`). */
function installedVersion(resolve: (name: string) => string, name: string): string {
  let directory = dirname(resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as { name?: string; version?: string };
      if (manifest.name === name) return manifest.version ?? "?";
    } catch {
      // No package.json at this level: keep walking up.
    }
    const parent = dirname(directory);
    if (parent === directory) return "?";
    directory = parent;
  }
}

/** A Markdown paragraph naming the machine, Node and the peers' versions, for the report header. */
export function describeEnvironment(metaUrl: string): string {
  const require = createRequire(metaUrl);
  const versions = PACKAGES.map((name) => `${name} ${installedVersion((id) => require.resolve(id), name)}`).join(", ");
  const cpu = cpus();
  return [
    `Node ${process.version} on ${process.platform}/${process.arch}, ${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown CPU"}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM.`,
    `Peers: ${versions}.`,
  ].join("\n");
}
