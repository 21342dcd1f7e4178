import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * What installing a package brings along: the closure of its runtime dependencies, resolved the
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
    };
    for (const next of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
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

  test("@stowage/sessions brings core only (express-session is an optional peer)", () => {
    expect([...installedWith("@stowage/sessions")].sort()).toEqual(["@stowage/core", "@stowage/sessions"]);
  });

  test("@stowage/core has no runtime dependencies", () => {
    expect([...installedWith("@stowage/core")]).toEqual(["@stowage/core"]);
  });
});
