import { spawnSync } from "node:child_process";

/**
 * Loads each public package's build the way a consumer does, in a fresh Node process (no jest,
 * no source mapping): once through `import` (the ESM build) and once through `require` (the
 * CommonJS build), and compares what they export.
 */
const packages: Record<string, string[]> = {
  "@stowage/core": ["StoreRegistry", "MemoryStore", "BaseStore", "StowageError", "InvalidKeyError", "json", "text", "typed", "resolveStore"],
  "@stowage/store-memory": ["MemoryStore"],
  "@stowage/conformance": ["describeStoreConformance"],
  "@stowage/store-file": ["FileStore"],
  "@stowage/resp-store": [],
  "@stowage/store-redis": ["RedisStore"],
  "@stowage/store-valkey": ["ValkeyStore"],
  "@stowage/response-cache": ["responseCache", "honoResponseCache", "ResponseCache", "replayHeaders"],
  "@stowage/sessions": ["SessionStore"],
  "@stowage/rate-limit": ["RateLimiter", "RateLimitStore", "fastifyRateLimitStore"],
  "@stowage/keyv": ["KeyvStowage"],
};

function runNode(args: string[]): string {
  const result = spawnSync(process.execPath, args, { cwd: __dirname, encoding: "utf8", timeout: 20_000 });
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed:\n${result.stderr}`);
  return result.stdout;
}

const listExports = (name: string, via: "import" | "require"): string[] => {
  const script =
    via === "import"
      ? `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== "default").sort()));`
      : `const m = require(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m).sort()));`;
  return JSON.parse(runNode(via === "import" ? ["--input-type=module", "-e", script] : ["-e", script])) as string[];
};

describe.each(Object.entries(packages))("%s", (name, expected) => {
  test("import and require expose the same named exports", () => {
    const esm = listExports(name, "import");
    const cjs = listExports(name, "require");
    expect(esm.length).toBeGreaterThan(0);
    expect(esm).toEqual(cjs);
    for (const exported of expected) expect(esm).toContain(exported);
  });
});

test("errors from the CommonJS build are recognised by the ESM build's isInstance", () => {
  const script = `
    import { createRequire } from "node:module";
    const esm = await import("@stowage/core");
    const cjs = createRequire(process.cwd() + "/")("@stowage/core");
    const error = new cjs.InvalidKeyError({ key: "", reason: "it is empty" });
    console.log(JSON.stringify({
      sameClass: esm.InvalidKeyError === cjs.InvalidKeyError,
      instanceOf: error instanceof esm.InvalidKeyError,
      isInstance: esm.InvalidKeyError.isInstance(error),
      isStowage: esm.StowageError.isInstance(error),
      notOther: esm.StoreClosedError.isInstance(error),
    }));`;
  expect(JSON.parse(runNode(["--input-type=module", "-e", script]))).toEqual({
    sameClass: false,
    instanceOf: false,
    isInstance: true,
    isStowage: true,
    notOther: false,
  });
});
