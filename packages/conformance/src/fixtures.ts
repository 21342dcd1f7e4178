import { randomUUID } from "node:crypto";

/**
 * The time to live of the entries that the expiry tests watch expire. Short, so the suite stays
 * fast; long enough that a backend on the network still gets the write through first.
 */
export const SHORT_TTL_MS = 200;

/**
 * How long a test waits for a `SHORT_TTL_MS` entry to be gone. The entry's deadline is fixed no
 * later than when `set` resolved, and the wait starts after that, so waiting the TTL alone would
 * do in theory. The margin absorbs a timer firing a millisecond early, a backend rounding the
 * deadline up to its own resolution, and clocks read by two processes (a server's and ours).
 */
export const EXPIRED_AFTER_MS = SHORT_TTL_MS + 150;

/** A long time to live, for entries that must outlive the test. */
export const LONG_TTL = "1h";

/** A key no other test (nor an earlier run on a persistent backend) has used. */
export function randomKey(label = "key"): string {
  return `${label}-${randomUUID()}`;
}

/** A namespace name made of letters and digits only, unique per call. */
export function randomName(label = "ns"): string {
  return `${label}${randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

/** Resolves after `ms` milliseconds of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `length` bytes that differ per `seed` and cycle through every byte value: the first four bytes
 * hold the seed, so a reader can tell which write a value came from.
 */
export function patternBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index++) bytes[index] = (index * 31 + seed * 7 + (index >>> 8)) & 0xff;
  if (length >= 4) new DataView(bytes.buffer).setUint32(0, seed);
  return bytes;
}

/** The seed `patternBytes` wrote into the first four bytes of `bytes`. */
export function seedOf(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
}

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Renders a key or name for a failure message: escaped, and cut when long. */
export function show(value: unknown): string {
  if (typeof value === "string") {
    const shown = JSON.stringify(value.length > 48 ? value.slice(0, 48) : value);
    return value.length > 48 ? `${shown}… (${value.length} characters)` : shown;
  }
  if (value instanceof Uint8Array) return `a Uint8Array of ${value.length} bytes`;
  if (typeof value === "object" && value !== null) return Object.prototype.toString.call(value);
  return String(value);
}
