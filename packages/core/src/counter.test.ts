import { addToCounter, decodeCounter, encodeCounter, toIncrementAmount } from "./counter.js";
import { InvalidArgumentError } from "./errors/invalid-argument-error.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const MAX = Number.MAX_SAFE_INTEGER;

describe("decodeCounter", () => {
  test("no entry counts as 0", () => {
    expect(decodeCounter(null, "k")).toBe(0);
  });

  test.each([
    ["0", 0],
    ["7", 7],
    ["41", 41],
    ["-12", -12],
    [String(MAX), MAX],
    [String(-MAX), -MAX],
  ])("reads %p as %p", (text, expected) => {
    expect(decodeCounter(bytes(text), "k")).toBe(expected);
  });

  test("reads a counter inside a larger buffer (a view with an offset)", () => {
    const whole = bytes("xx123yy");
    expect(decodeCounter(whole.subarray(2, 5), "k")).toBe(123);
  });

  test.each(["", "4.5", "abc", "+1", "01", "-0", "00", " 1", "1 ", "1e3", "0x10", "١", String(MAX + 1), String(-MAX - 1), "12345678901234567890", "-"])(
    "rejects the entry %p with InvalidArgumentError naming the key",
    (text) => {
      expect(() => decodeCounter(bytes(text), "hits", "MemoryStore")).toThrow(InvalidArgumentError);
      expect(() => decodeCounter(bytes(text), "hits", "MemoryStore")).toThrow(/entry "hits".*MemoryStore/);
    },
  );

  test("rejects bytes that are not text", () => {
    expect(() => decodeCounter(new Uint8Array([0xff, 0x31]), "k")).toThrow(InvalidArgumentError);
  });
});

describe("addToCounter", () => {
  test.each([
    [0, 1, 1],
    [41, 1, 42],
    [5, -10, -5],
    [MAX - 1, 1, MAX],
    [-MAX + 1, -1, -MAX],
    [7, 0, 7],
  ])("%p + %p = %p", (current, by, expected) => {
    expect(addToCounter(current, by, "k")).toBe(expected);
  });

  test.each([
    [MAX, 1],
    [-MAX, -1],
    [1, MAX],
  ])("rejects %p + %p, which leaves ±(2^53-1)", (current, by) => {
    expect(() => addToCounter(current, by, "k", "MemoryStore")).toThrow(InvalidArgumentError);
  });
});

describe("encodeCounter", () => {
  test.each([
    [0, "0"],
    [42, "42"],
    [-12, "-12"],
    [MAX, String(MAX)],
  ])("writes %p as the decimal text %p", (value, text) => {
    expect(Buffer.from(encodeCounter(value)).toString("latin1")).toBe(text);
  });

  test("round-trips through decodeCounter, in memory of its own", () => {
    for (const value of [0, 1, -1, 123_456, -MAX, MAX]) {
      const encoded = encodeCounter(value);
      expect(encoded.buffer.byteLength).toBe(encoded.byteLength);
      expect(decodeCounter(encoded, "k")).toBe(value);
    }
  });
});

describe("toIncrementAmount", () => {
  test("undefined means 1", () => {
    expect(toIncrementAmount(undefined)).toBe(1);
  });

  test.each([0, 1, -1, 1_000, MAX, -MAX])("accepts the safe integer %p", (by) => {
    expect(toIncrementAmount(by)).toBe(by);
  });

  test.each([1.5, Number.NaN, Infinity, -Infinity, MAX + 1, "1", null, 1n, {}])("rejects %p with InvalidArgumentError", (by) => {
    expect(() => toIncrementAmount(by, "MemoryStore")).toThrow(InvalidArgumentError);
  });
});
