import { InvalidArgumentError } from "./errors/invalid-argument-error.js";

const EXPECTED_COUNTER = "an entry holding a decimal integer within ±(2^53-1), such as \"41\" or \"-12\"";

const MINUS = 0x2d;
const ZERO = 0x30;

/**
 * The number `bytes` hold as a counter, or NaN. A counter is decimal ASCII: an optional `-`, no
 * `+`, no leading zeros (`0`, `42`, `-12`), the shape Redis's INCRBY reads too, so every backend
 * agrees on what counts as one. Read byte by byte: this runs on every `increment`.
 */
function parseCounter(bytes: Uint8Array): number {
  const length = bytes.byteLength;
  // 17 bytes is the longest counter ("-9007199254740991").
  if (length === 0 || length > 17) return NaN;
  const negative = bytes[0] === MINUS;
  const start = negative ? 1 : 0;
  if (start === length) return NaN;
  // "0" alone; never "-0" or a leading zero.
  if (bytes[start] === ZERO) return length === 1 ? 0 : NaN;
  let value = 0;
  for (let index = start; index < length; index++) {
    const digit = bytes[index]! - ZERO;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  // Past 2^53 the sum rounds, but never back below 2^53: the caller's safe-integer check holds.
  return negative ? -value : value;
}

/**
 * Reads the counter held in `bytes`: `null` (no live entry) counts as 0.
 *
 * @throws InvalidArgumentError when the bytes are not a decimal integer within ±(2^53-1).
 */
export function decodeCounter(bytes: Uint8Array | null, key: string, store?: string): number {
  if (bytes === null) return 0;
  const value = parseCounter(bytes);
  if (!Number.isSafeInteger(value)) {
    const text = bytes.byteLength <= 17 ? String.fromCharCode(...bytes) : "";
    throw new InvalidArgumentError({ argument: `entry ${JSON.stringify(key)}`, value: text || bytes, expected: `${EXPECTED_COUNTER} to increment`, store });
  }
  return value;
}

/**
 * `current + by`, checked to stay a safe integer.
 *
 * @throws InvalidArgumentError when the sum leaves ±(2^53-1).
 */
export function addToCounter(current: number, by: number, key: string, store?: string): number {
  const next = current + by;
  if (!Number.isSafeInteger(next)) {
    throw new InvalidArgumentError({
      argument: "by",
      value: by,
      expected: `an amount that keeps ${JSON.stringify(key)} (now ${current}) within ±(2^53-1)`,
      store,
    });
  }
  return next;
}

/** The bytes a counter is stored as: its decimal ASCII text, in memory of its own (no shared pool). */
export function encodeCounter(value: number): Uint8Array {
  const text = String(value);
  // At most 17 bytes: V8 keeps an array this small on its heap, far cheaper than a Buffer.
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) bytes[index] = text.charCodeAt(index);
  return bytes;
}

/**
 * Checks an `increment` amount: a safe integer (zero and negative allowed); `undefined` means 1.
 *
 * @throws InvalidArgumentError otherwise.
 */
export function toIncrementAmount(by: unknown, store?: string): number {
  if (by === undefined) return 1;
  if (typeof by !== "number" || !Number.isSafeInteger(by)) {
    throw new InvalidArgumentError({ argument: "by", value: by, expected: "a safe integer (zero and negative allowed), or undefined for 1", store });
  }
  return by;
}
