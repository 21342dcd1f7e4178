import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * What installing a package brings along: the closure of its runtime dependencies and of its
 * required peer dependencies (which npm 7+ installs, and which an application must have), resolved the
 * way Node resolves them (node_modules folders from the package's real directory up), as an
 * application that installs the package from the registry would get them.
 */
function installedWith(name: string): Set<string> {
  const seen = new Set<string>();
  const visit = (dependency: string, fromDirectory: string): void => {
    let directory: string | undefined;
    for (let folder = fromDirectory; ; folder = dirname(folder)) {
      const candidate = join(folder, "node_modules", dependency);
      if (existsSync(join(candidate, "package.json"))) {
        directory = realpathSync(candidate);
        break;
      }
      if (dirname(folder) === folder) throw new Error(`${dependency} is not installed for ${fromDirectory}`);
    }
    const key = `${dependency}@${directory}`;
    if (seen.has(key)) return;
    seen.add(key);
    const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    // An optional peer (express-session for @stowage/sessions) is the application's choice, not brought along.
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter((peer) => manifest.peerDependenciesMeta?.[peer]?.optional !== true);
    for (const next of [...Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }), ...peers]) {
      try {
        visit(next, directory);
      } catch (error) {
        // An optional dependency for another platform is legitimately absent.
        if (!(next in (manifest.optionalDependencies ?? {}))) throw error;
      }
    }
  };
  visit(name, __dirname);
  return new Set([...seen].map((key) => key.slice(0, key.indexOf("@", 1))));
}

describe("what each network store installs", () => {
  test("@stowage/store-valkey brings iovalkey and never ioredis", () => {
    const names = installedWith("@stowage/store-valkey");
    expect(names.has("iovalkey")).toBe(true);
    expect(names.has("@stowage/resp-store")).toBe(true);
    expect(names.has("ioredis")).toBe(false);
  });

  test("@stowage/store-redis brings ioredis (the walk finds what is there)", () => {
    const names = installedWith("@stowage/store-redis");
    expect(names.has("ioredis")).toBe(true);
    expect(names.has("iovalkey")).toBe(false);
  });

  test("the client libraries are peers, so an application has exactly one copy, its own", () => {
    const manifest = (name: string) =>
      JSON.parse(readFileSync(join(dirname(require.resolve(`${name}/package.json`)), "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
    const redis = manifest("@stowage/store-redis");
    expect(redis.peerDependencies).toEqual({ ioredis: "^5.4.0 || ^6.0.0" });
    expect(Object.keys(redis.dependencies ?? {})).not.toContain("ioredis");
    const valkey = manifest("@stowage/store-valkey");
    expect(Object.keys(valkey.peerDependencies ?? {})).toEqual(["iovalkey"]);
    expect(Object.keys(valkey.dependencies ?? {})).not.toContain("iovalkey");
  });

  test("@stowage/resp-store asks for the cluster-key-slot version ioredis pins, so one copy is installed", () => {
    const pinnedBy = (name: string, from: string) =>
      (JSON.parse(readFileSync(require.resolve(`${name}/package.json`, { paths: [from] }), "utf8")) as { dependencies: Record<string, string> }).dependencies[
        "cluster-key-slot"
      ];
    const redisStore = dirname(require.resolve("@stowage/store-redis/package.json"));
    expect(pinnedBy("@stowage/resp-store", redisStore)).toBe(pinnedBy("ioredis", redisStore));
  });

  test("@stowage/sessions brings core only (express-session is an optional peer)", () => {
    expect([...installedWith("@stowage/sessions")].sort()).toEqual(["@stowage/core", "@stowage/sessions"]);
  });

  test("@stowage/rate-limit brings core and no framework", () => {
    expect([...installedWith("@stowage/rate-limit")].sort()).toEqual(["@stowage/core", "@stowage/rate-limit"]);
  });

  test("@stowage/keyv brings core only, besides keyv (a required peer, the application's own copy)", () => {
    // keyv 5 itself depends on @keyv/serialize only.
    expect([...installedWith("@stowage/keyv")].sort()).toEqual(["@keyv/serialize", "@stowage/core", "@stowage/keyv", "keyv"]);
  });

  test("@stowage/core has no runtime dependencies", () => {
    expect([...installedWith("@stowage/core")]).toEqual(["@stowage/core"]);
  });
});
