import { InvalidArgumentError } from "./errors/invalid-argument-error.js";
import { InvalidKeyError } from "./errors/invalid-key-error.js";
import { assertValidKey, assertValidNamespaceName, MAX_KEY_BYTES, toStoredBytes } from "./keys.js";

describe("assertValidKey", () => {
  test.each(["a", "/", "..", "../../etc/passwd", "*", "a b\nc", "\u0000", "😀", "x".repeat(MAX_KEY_BYTES), "€".repeat(21_845)])(
    "accepts %p",
    (key) => expect(() => assertValidKey(key)).not.toThrow(),
  );

  test.each([
    ["", "empty"],
    ["\uD800", "lone surrogate"],
    ["a\uDC00b", "lone surrogate"],
    ["x".repeat(MAX_KEY_BYTES + 1), "bytes long"],
    ["€".repeat(21_846), "bytes long"], // 65,538 bytes in UTF-8 though only 21,846 characters
    [42, "not a string"],
    [null, "not a string"],
    [undefined, "not a string"],
    [Symbol("k"), "not a string"],
  ])("rejects %p (%s)", (key, reason) => {
    expect(() => assertValidKey(key, "TestStore")).toThrow(InvalidKeyError);
    expect(() => assertValidKey(key, "TestStore")).toThrow(reason);
  });

  test("the message shortens a long key", () => {
    const key = "k".repeat(MAX_KEY_BYTES + 1);
    try {
      assertValidKey(key);
      throw new Error("not rejected");
    } catch (error) {
      expect(InvalidKeyError.isInstance(error)).toBe(true);
      expect((error as InvalidKeyError).key).toBe(key);
      expect((error as Error).message.length).toBeLessThan(400);
    }
  });
});

describe("assertValidNamespaceName", () => {
  test("accepts any well-formed name up to 1 KiB", () => {
    for (const name of ["a", ":", "*", "[ab]", "a/b", "n".repeat(1024)]) expect(() => assertValidNamespaceName(name)).not.toThrow();
  });

  test.each(["", "\uDBFF", "n".repeat(1025), 7, null])("rejects %p with InvalidArgumentError", (name) => {
    expect(() => assertValidNamespaceName(name)).toThrow(InvalidArgumentError);
  });
});

describe("toStoredBytes", () => {
  test("encodes strings as UTF-8", () => {
    expect([...toStoredBytes("é€")]).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac]);
  });

  test("copies byte arrays, Buffers included", () => {
    const source = Buffer.from([1, 2, 3]);
    const stored = toStoredBytes(source);
    source[0] = 9;
    expect([...stored]).toEqual([1, 2, 3]);
    const view = new Uint8Array(new ArrayBuffer(8), 2, 3);
    expect(toStoredBytes(view).byteLength).toBe(3);
  });

  test("a copy owns its memory: its .buffer holds its bytes only, never Node's shared pool", () => {
    const pooled = Buffer.from("pooled"); // small Buffer.from results are slices of one shared pool
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    for (const value of ["text", "", "é€", pooled, new Uint8Array(new ArrayBuffer(64), 8, 4)]) {
      const stored = toStoredBytes(value);
      expect(stored.byteOffset).toBe(0);
      expect(stored.buffer.byteLength).toBe(stored.byteLength);
    }
    const stored = toStoredBytes(pooled);
    new Uint8Array(pooled.buffer, pooled.byteOffset, pooled.byteLength).fill(0);
    expect(Buffer.from(stored).toString()).toBe("pooled");
  });

  test("without copy, a byte array is passed through as it is", () => {
    const source = new Uint8Array([1, 2]);
    expect(toStoredBytes(source, undefined, false)).toBe(source);
  });

  test.each([42, null, undefined, {}, [1, 2], new ArrayBuffer(2), new Uint16Array(2), new DataView(new ArrayBuffer(2)), true])(
    "rejects %p with InvalidArgumentError",
    (value) => expect(() => toStoredBytes(value)).toThrow(InvalidArgumentError),
  );
});
