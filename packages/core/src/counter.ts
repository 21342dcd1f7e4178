import { ownedEncoding } from "./bytes.js";
import { InvalidArgumentError } from "./errors/invalid-argument-error.js";

/**
 * The text an `increment` counter is held as: decimal ASCII, an optional `-`, no `+`, no leading
 * zeros (`0`, `42`, `-12`). Redis's INCRBY reads the same shape, so every backend agrees on what
 * counts as a counter.
 */
const COUNTER_PATTERN = /^(?:0|-?[1-9][0-9]{0,15})$/;

const EXPECTED_COUNTER = "an entry holding a decimal integer within ±(2^53-1), such as \"41\" or \"-12\"";

/**
 * Reads the counter held in `bytes`: `null` (no live entry) counts as 0.
 *
 * @throws InvalidArgumentError when the bytes are not a decimal integer within ±(2^53-1).
 */
export function decodeCounter(bytes: Uint8Array | null, key: string, store?: string): number {
  if (bytes === null) return 0;
  // 17 bytes is the longest counter ("-9007199254740991"); longer values are never counters.
  const text = bytes.byteLength <= 17 ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1") : "";
  const value = COUNTER_PATTERN.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) {
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
  return ownedEncoding(String(value), "latin1");
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
