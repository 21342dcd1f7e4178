import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const PACKAGES_FOLDER = path.join(__dirname, "..", "..");

const readManifest = (file: string) =>
  JSON.parse(readFileSync(file, "utf8")) as { name: string; private?: boolean; devDependencies?: Record<string, string> };

/** Every published (not private) package this package installs, by its folder under packages/. */
const installed = readManifest(path.join(__dirname, "..", "package.json")).devDependencies ?? {};
const PACKAGES = readdirSync(PACKAGES_FOLDER).filter((folder) => {
  const file = path.join(PACKAGES_FOLDER, folder, "package.json");
  if (!existsSync(file)) return false;
  const manifest = readManifest(file);
  return manifest.private !== true && manifest.name in installed;
});

function runNode(args: string[]): string {
  const result = spawnSync(process.execPath, args, { cwd: __dirname, encoding: "utf8", timeout: 20_000 });
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed:\n${result.stderr}`);
  return result.stdout;
}

/** Each exported function or class whose `name` differs from the name it is exported as. */
function misnamedExports(name: string, via: "import" | "require"): string[] {
  const check = `Object.entries(m).filter(([key, value]) => key !== "default" && typeof value === "function" && value.name !== key).map(([key, value]) => key + " is named " + value.name)`;
  const script =
    via === "import"
      ? `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(${check}));`
      : `const m = require(${JSON.stringify(name)}); console.log(JSON.stringify(${check}));`;
  return JSON.parse(runNode(via === "import" ? ["--input-type=module", "-e", script] : ["-e", script])) as string[];
}

test("finds the published packages", () => {
  expect(PACKAGES).toEqual(expect.arrayContaining(["core", "store-memory", "store-file", "store-redis", "store-valkey"]));
});

describe.each(PACKAGES)("the build of @stowage/%s", (folder) => {
  test.each(["import", "require"] as const)("keeps every class and function name (through %s)", (via) => {
    expect(misnamedExports(readManifest(path.join(PACKAGES_FOLDER, folder, "package.json")).name, via)).toEqual([]);
  });

  test("ends each file with exactly one sourceMappingURL comment, naming a map that exists", () => {
    const dist = path.join(PACKAGES_FOLDER, folder, "dist");
    const files = readdirSync(dist).filter((file) => /\.(c?js)$/.test(file));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const comments = [...readFileSync(path.join(dist, file), "utf8").matchAll(/^\/\/# sourceMappingURL=(.+)$/gm)];
      expect({ file, comments: comments.length }).toEqual({ file, comments: 1 });
      expect(existsSync(path.join(dist, comments[0]![1]!))).toBe(true);
    }
  });
});

test("a MemoryStore from either build reports its own class name", () => {
  const script = `
    const esm = await import("@stowage/core");
    const { createRequire } = await import("node:module");
    const cjs = createRequire(process.cwd() + "/")("@stowage/store-memory");
    const root = new esm.MemoryStore();
    console.log(JSON.stringify([root.constructor.name, root.withNamespace("a").constructor.name, new cjs.MemoryStore().constructor.name, new esm.StoreRegistry().constructor.name]));`;
  expect(JSON.parse(runNode(["--input-type=module", "-e", script]))).toEqual(["MemoryStore", "MemoryStore", "MemoryStore", "StoreRegistry"]);
});

// tsc over a consumer file takes a few seconds; CI runs it beside every other package's tests.
test("core's options take an explicit undefined under exactOptionalPropertyTypes", () => {
  const tsc = require.resolve("typescript/bin/tsc");
  const project = path.join(__dirname, "..", "fixtures", "exact-optional", "tsconfig.json");
  const result = spawnSync(process.execPath, [tsc, "-p", project], { encoding: "utf8", timeout: 100_000 });
  expect(result.stdout + result.stderr).toBe("");
  expect(result.status).toBe(0);
}, 120_000);
