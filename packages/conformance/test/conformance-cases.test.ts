import { InvalidArgumentError, MemoryStore, type Store } from "@stowage/core";
import { conformanceCases, type StoreConformanceOptions } from "../src/index.js";
import { FaultyStore } from "./faulty-store.js";
import { describeFailures, runCases } from "./run-cases.js";

/** A store with only the `Store` methods: no `withNamespace`, as a third party might write. */
function plainStore(): Store {
  const inner = new MemoryStore();
  return {
    get: (key, options) => inner.get(key, options),
    set: (key, value, options) => inner.set(key, value, options),
    delete: (key) => inner.delete(key),
    deleteAll: () => inner.deleteAll(),
    exists: (key) => inner.exists(key),
    expiresIn: (key) => inner.expiresIn(key),
    increment: (key, options) => inner.increment(key, options),
    setIfAbsent: (key, value, options) => inner.setIfAbsent(key, value, options),
    keys: () => inner.keys(),
    close: () => inner.close(),
    [Symbol.asyncDispose]: () => inner.close(),
  };
}

const GROUPS = ["basic", "values", "keys", "expiry", "renew", "namespaces", "lifecycle", "concurrency", "increment", "setIfAbsent", "listing"];

describe("conformanceCases", () => {
  test("lists every group in order, with uniquely named cases", () => {
    const cases = conformanceCases({ name: "MemoryStore", create: () => new MemoryStore() });
    expect([...new Set(cases.map((entry) => entry.group))]).toEqual(GROUPS);
    const names = cases.map((entry) => `${entry.group} › ${entry.name}`);
    expect(new Set(names).size).toBe(names.length);
    expect(cases.every((entry) => entry.skipReason === undefined)).toBe(true);
  });

  test("with namespaces: false, a plain Store passes and the namespace cases are skipped, not dropped", async () => {
    const cases = conformanceCases<Store>({ name: "plain", create: plainStore, capabilities: { namespaces: false } });
    const outcomes = await runCases(cases);
    expect(describeFailures(outcomes)).toEqual([]);
    const skipped = outcomes.filter((outcome) => outcome.skipped);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.map((outcome) => outcome.group)).toEqual(expect.arrayContaining(["namespaces", "lifecycle"]));
    expect(cases.filter((entry) => entry.skipReason).every((entry) => entry.skipReason!.includes("namespaces: false"))).toBe(true);
  }, 30_000);

  test("without the declaration, a plain Store fails the namespace cases with a hint", async () => {
    const cases = conformanceCases<Store>({ name: "plain", create: plainStore }).filter((entry) => entry.group === "namespaces");
    const outcomes = await runCases(cases);
    expect(outcomes.every((outcome) => String(outcome.failure).includes("capabilities: { namespaces: false }"))).toBe(true);
  });

  test("largeValueBytes sets the size of the large value", async () => {
    const written: number[] = [];
    const cases = conformanceCases({
      name: "sized",
      create: () => {
        const store = new MemoryStore();
        const set = store.set.bind(store);
        store.set = async (key, value, options) => {
          if (typeof value !== "string" && value instanceof Uint8Array) written.push(value.length);
          return set(key, value, options);
        };
        return store;
      },
      capabilities: { largeValueBytes: 4_096 },
    });
    const large = cases.filter((entry) => entry.name === "a value of 4 KiB survives whole");
    expect(large).toHaveLength(1);
    expect(cases.some((entry) => entry.name.includes("8 MiB"))).toBe(false);
    await large[0]!.run();
    expect(written).toEqual([4_096]);
  });

  test("run() creates a fresh store per case and cleans up after failures too, reporting both failures", async () => {
    const created: FaultyStore[] = [];
    const cleaned: FaultyStore[] = [];
    const options: StoreConformanceOptions<FaultyStore> = {
      name: "cleanup",
      create: async () => {
        created.push(new FaultyStore(["aliases-get"]));
        return created.at(-1)!;
      },
      cleanup: async (store) => {
        cleaned.push(store);
        await store.close();
        throw new Error("cleanup broke");
      },
    };
    const cases = conformanceCases(options).filter((entry) => entry.group === "values");
    const outcomes = await runCases(cases);
    expect(new Set(created).size).toBe(cases.length);
    expect(cleaned).toEqual(expect.arrayContaining(created));
    expect(cleaned).toHaveLength(created.length);
    const aliasing = outcomes.find((outcome) => outcome.name.startsWith("changing what get returned"))!;
    expect(String(aliasing.failure)).toMatch(/byte 0 of 4 is 9[\s\S]*Cleaning up the store failed too: Error: cleanup broke/);
    expect(outcomes.filter((outcome) => String(outcome.failure) === "Error: cleanup broke").length).toBe(cases.length - 1);
  });

  test("a failing create fails the case", async () => {
    const [first] = conformanceCases({ name: "broken create", create: () => Promise.reject(new Error("no server")) });
    await expect(first!.run()).rejects.toThrow("no server");
  });

  test.each<[string, unknown]>([
    ["no name", { create: () => new MemoryStore() }],
    ["an empty name", { name: "", create: () => new MemoryStore() }],
    ["no create", { name: "x" }],
    ["a cleanup that is not a function", { name: "x", create: () => new MemoryStore(), cleanup: "close" }],
    ["namespaces that is not a boolean", { name: "x", create: () => new MemoryStore(), capabilities: { namespaces: "yes" } }],
    ["keysMayRepeat that is not a boolean", { name: "x", create: () => new MemoryStore(), capabilities: { keysMayRepeat: "sometimes" } }],
    ["a largeValueBytes of 0", { name: "x", create: () => new MemoryStore(), capabilities: { largeValueBytes: 0 } }],
    ["a fractional largeValueBytes", { name: "x", create: () => new MemoryStore(), capabilities: { largeValueBytes: 1.5 } }],
  ])("rejects options with %s", (_, options) => {
    let error: unknown;
    try {
      conformanceCases(options as StoreConformanceOptions);
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
  });
});
