import { ownedCopy, ownedEncoding } from "./bytes.js";
import { InvalidArgumentError } from "./errors/invalid-argument-error.js";
import { InvalidKeyError } from "./errors/invalid-key-error.js";

/** The longest key, in UTF-8 bytes (64 KiB). */
export const MAX_KEY_BYTES = 65_536;
/** The longest namespace name, in UTF-8 bytes (1 KiB). */
export const MAX_NAMESPACE_NAME_BYTES = 1_024;

/** Why `text` cannot be a key or a name, or undefined when it can. */
function textProblem(text: unknown, maxBytes: number): string | undefined {
  if (typeof text !== "string") return "it is not a string";
  if (text.length === 0) return "it is empty";
  if (!text.isWellFormed()) return "it holds a lone surrogate, which UTF-8 cannot encode";
  // A UTF-16 unit is at most 3 UTF-8 bytes, so only long strings need counting.
  if (text.length * 3 > maxBytes && Buffer.byteLength(text, "utf8") > maxBytes) {
    return `it is ${Buffer.byteLength(text, "utf8")} bytes long in UTF-8, over the limit of ${maxBytes}`;
  }
  return undefined;
}

/**
 * Checks a key against the contract: a non-empty, well-formed string of at most 64 KiB in UTF-8.
 * Every character is allowed and means itself.
 *
 * @throws InvalidKeyError naming the problem.
 */
export function assertValidKey(key: unknown, store?: string): asserts key is string {
  const reason = keyProblem(key);
  if (reason !== undefined) throw new InvalidKeyError({ key, reason, store });
}

/** Why `key` cannot be a key, or undefined when it can (internal: BaseStore names the store only on failure). */
export function keyProblem(key: unknown): string | undefined {
  return textProblem(key, MAX_KEY_BYTES);
}

/**
 * Checks a namespace name: a non-empty, well-formed string of at most 1 KiB in UTF-8. Every
 * character is allowed.
 *
 * @throws InvalidArgumentError naming the problem.
 */
export function assertValidNamespaceName(name: unknown, store?: string): asserts name is string {
  const reason = textProblem(name, MAX_NAMESPACE_NAME_BYTES);
  if (reason !== undefined) {
    throw new InvalidArgumentError({
      argument: "namespace name",
      value: name,
      expected: `a non-empty, well-formed string of at most 1 KiB in UTF-8 (${reason})`,
      store,
    });
  }
}

/**
 * Turns a value given to `set` into bytes. With `copy` (the default) the result is a plain
 * `Uint8Array` the store owns: the UTF-8 encoding of a string, or a copy of a `Uint8Array` (a
 * `Buffer` is one), so later changes to the caller's array never reach the store. The copy has an
 * `ArrayBuffer` of its own (never Node's shared Buffer pool): its `.buffer` holds these bytes
 * only, so a backend may keep it or hand it out as it is. Without it, a
 * string still becomes a new array, but a `Uint8Array` is returned as it is.
 *
 * @throws InvalidArgumentError for any other type (other typed arrays, `ArrayBuffer`, numbers,
 *   objects, `null`).
 */
export function toStoredBytes(value: unknown, store?: string, copy = true): Uint8Array {
  if (typeof value === "string") {
    return copy ? plainView(ownedEncoding(value, "utf8")) : Buffer.from(value, "utf8");
  }
  // The tag check also accepts arrays from another realm (a vm context, a jest sandbox).
  if (value instanceof Uint8Array || Object.prototype.toString.call(value) === "[object Uint8Array]") {
    const bytes = value as Uint8Array;
    if (!copy) return bytes;
    return plainView(ownedCopy(bytes));
  }
  throw new InvalidArgumentError({
    argument: "value",
    value,
    expected: "a Uint8Array (a Buffer is one) or a string, stored as its UTF-8 bytes",
    store,
  });
}

/**
 * A plain `Uint8Array` over a Buffer's bytes: a backend that calls `slice()` on it gets a copy,
 * as for any `Uint8Array`, where `Buffer#slice` would return a view.
 */
function plainView(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
