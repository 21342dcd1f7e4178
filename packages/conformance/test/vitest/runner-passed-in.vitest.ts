import { InvalidArgumentError, MemoryStore } from "@stowage/core";
import { describe, expect, test } from "vitest";
import { conformanceCases, describeStoreConformance } from "../../src/index.js";

// vitest without globals: the runner's describe and test are passed in, and nothing else of
// jest is needed (the cases bring their own assertions).
describeStoreConformance({ name: "MemoryStore under vitest, runner passed in", create: () => new MemoryStore(), runner: { describe, test } });

describe("the runner option", () => {
  test("without a runner and without globals, describeStoreConformance says what to pass", () => {
    expect("describe" in globalThis).toBe(false);
    let error: unknown;
    try {
      describeStoreConformance({ name: "no runner", create: () => new MemoryStore() });
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(String(error)).toContain("runner: { describe, test }");
  });

  test("a runner without test.skip is refused", () => {
    const runner = { describe, test: Object.assign((..._: unknown[]) => undefined, { skip: undefined }) };
    expect(() => describeStoreConformance({ name: "bad runner", create: () => new MemoryStore(), runner: runner as never })).toThrow(/runner/);
  });

  test("conformanceCases runs under vitest with no runner at all", async () => {
    const [first] = conformanceCases({ name: "MemoryStore", create: () => new MemoryStore() });
    await first!.run();
  });
});
