import * as core from "../index.js";

const classes = {
  InvalidKeyError: () => new core.InvalidKeyError({ key: "", reason: "it is empty", store: "S" }),
  InvalidArgumentError: () => new core.InvalidArgumentError({ argument: "x", value: 1, expected: "y" }),
  StoreClosedError: () => new core.StoreClosedError({ operation: "get", store: "S" }),
  StoreConfigurationError: () => new core.StoreConfigurationError("bad", { store: "S" }),
  DuplicateStoreError: () => new core.DuplicateStoreError({ storeName: "cache" }),
  StoreUnavailableError: () => new core.StoreUnavailableError({ operation: "set", reason: "timeout", cause: new Error("ETIMEDOUT") }),
  StoreCorruptionError: () => new core.StoreCorruptionError({ reason: "bad header", path: "/x" }),
} as const;

describe("error classes", () => {
  test.each(Object.entries(classes))("%s has a fixed name and derives from StowageError", (name, make) => {
    const error = make();
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(core.StowageError);
    expect(error).toBeInstanceOf(Error);
    expect(core.StowageError.isInstance(error)).toBe(true);
    expect((core as unknown as Record<string, typeof core.StowageError>)[name]!.isInstance(error)).toBe(true);
    expect(String(error.stack)).toMatch(new RegExp(`^${name}: `));
  });

  test("isInstance tells the classes apart", () => {
    const closed = classes.StoreClosedError();
    expect(core.InvalidKeyError.isInstance(closed)).toBe(false);
    expect(core.StoreClosedError.isInstance(new Error("x"))).toBe(false);
    expect(core.StowageError.isInstance(null)).toBe(false);
    expect(core.StowageError.isInstance("StoreClosedError")).toBe(false);
  });

  test("isInstance works across copies of the package (Symbol.for markers)", () => {
    // Another copy of core (an ESM build beside a CommonJS one) has other classes with the same markers.
    let copy: typeof core;
    jest.isolateModules(() => {
      copy = require("../index.js");
    });
    const foreign = new copy!.InvalidKeyError({ key: 1, reason: "it is not a string" });
    expect(foreign instanceof core.InvalidKeyError).toBe(false);
    expect(core.InvalidKeyError.isInstance(foreign)).toBe(true);
    expect(core.StowageError.isInstance(foreign)).toBe(true);
    expect(core.InvalidArgumentError.isInstance(foreign)).toBe(false);
  });

  test("wrapping errors keep their cause", () => {
    const error = classes.StoreUnavailableError();
    expect((error.cause as Error).message).toBe("ETIMEDOUT");
  });
});
