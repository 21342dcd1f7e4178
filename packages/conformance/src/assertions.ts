import { show } from "./fixtures.js";

/** An error class of `@stowage/core`, recognised across copies of the package by `isInstance`. */
export interface ErrorClass {
  readonly name: string;
  isInstance(error: unknown): boolean;
}

/** Fails the current case with `message`. */
export function fail(message: string): never {
  throw new Error(message);
}

/**
 * Rewrites an error's message (and the copy of it in its stack). Anything else that was thrown
 * is wrapped in an `Error` with the amended text, the original as its `cause`.
 */
export function amendMessage(error: unknown, amend: (message: string) => string): Error {
  if (!(error instanceof Error)) return new Error(amend(String(error)), { cause: error });
  const original = error.message;
  error.message = amend(original);
  if (typeof error.stack === "string") error.stack = error.stack.replace(original, error.message);
  return error;
}

/**
 * Runs `check` and, when it fails, puts `what` in front of the failure message, so a failure
 * inside a loop says which key, name or duration it was about.
 */
export async function within<T>(what: string, check: () => T | Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    throw amendMessage(error, (message) => `${what}:\n${message}`);
  }
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || Object.prototype.toString.call(value) === "[object Uint8Array]";
}

/** Checks that `actual` is a `Uint8Array` holding exactly the bytes of `expected`. */
export function expectBytes(actual: unknown, expected: Uint8Array, what: string): void {
  if (!isBytes(actual)) {
    fail(`${what}: expected a Uint8Array of ${expected.length} bytes, got ${actual === null ? "null" : show(actual)}`);
  }
  if (actual.length !== expected.length) {
    fail(`${what}: expected ${expected.length} bytes, got ${actual.length}`);
  }
  for (let index = 0; index < expected.length; index++) {
    if (actual[index] !== expected[index]) {
      fail(`${what}: byte ${index} of ${expected.length} is ${actual[index]}, expected ${expected[index]}`);
    }
  }
}

/**
 * Checks that `action` returns a promise that rejects with an error recognised by
 * `errorClass.isInstance`. A synchronous throw fails too: every operation of the contract
 * reports through its promise.
 */
export async function expectRejection(action: () => Promise<unknown>, errorClass: ErrorClass, what: string): Promise<void> {
  let pending: Promise<unknown>;
  try {
    pending = action();
  } catch (error) {
    fail(`${what}: expected a promise rejected with ${errorClass.name}, but it threw synchronously: ${String(error)}`);
  }
  let outcome: { value: unknown } | { error: unknown };
  try {
    outcome = { value: await pending };
  } catch (error) {
    outcome = { error };
  }
  if ("value" in outcome) {
    fail(`${what}: expected a rejection with ${errorClass.name}, but it resolved with ${show(outcome.value)}`);
  }
  if (!errorClass.isInstance(outcome.error)) {
    fail(`${what}: expected ${errorClass.name}, but it rejected with ${String(outcome.error)}`);
  }
}

/** Checks that `action` throws, synchronously, an error recognised by `errorClass.isInstance`. */
export function expectThrow(action: () => unknown, errorClass: ErrorClass, what: string): void {
  let result: unknown;
  try {
    result = action();
  } catch (error) {
    if (!errorClass.isInstance(error)) fail(`${what}: expected ${errorClass.name}, but it threw ${String(error)}`);
    return;
  }
  fail(`${what}: expected it to throw ${errorClass.name}, but it returned ${show(result)}`);
}

/**
 * Checks what `expiresIn` returned for an entry given `ttlSeconds` to live, when `elapsedMs`
 * (measured from before the write to after the read) passed meanwhile: it must lie in
 * [ttl - elapsed, ttl], give or take 5 ms for clocks that count whole milliseconds. The bound
 * moves with the real elapsed time, so a slow backend never fails it, yet a store that rounds
 * to whole seconds does (unless the round trip itself took about a second).
 */
export function expectSecondsLeft(actual: unknown, ttlSeconds: number, elapsedMs: number, what: string): void {
  if (typeof actual !== "number") fail(`${what}: expiresIn should be a number of seconds, got ${show(actual)}`);
  const slack = 0.005;
  const lowest = ttlSeconds - elapsedMs / 1_000 - slack;
  if (!(actual <= ttlSeconds + slack && actual >= lowest)) {
    fail(
      `${what}: expiresIn returned ${actual} s for an entry given ${ttlSeconds} s, ${elapsedMs.toFixed(1)} ms ago; ` +
        `expected a value from ${lowest.toFixed(3)} to ${ttlSeconds} (millisecond resolution)`,
    );
  }
}

/**
 * Checks that `actual` holds exactly the numbers of `expected`, each once, in any order: what N
 * concurrent increments must resolve.
 */
export function expectPermutation(actual: readonly unknown[], expected: readonly number[], what: string): void {
  const sorted = [...actual].sort((a, b) => Number(a) - Number(b));
  const wanted = [...expected].sort((a, b) => a - b);
  const firstDifference = wanted.findIndex((value, index) => sorted[index] !== value);
  if (sorted.length === wanted.length && firstDifference === -1) return;
  const counts = new Map<unknown, number>();
  for (const value of actual) counts.set(value, (counts.get(value) ?? 0) + 1);
  const repeated = [...counts].filter(([, count]) => count > 1).slice(0, 5).map(([value, count]) => `${show(value)} ×${count}`);
  fail(
    `${what}: expected each of ${wanted[0]}..${wanted.at(-1)} once (${wanted.length} values), got ${actual.length} values` +
      (repeated.length ? `; repeated: ${repeated.join(", ")} (lost updates)` : "") +
      (firstDifference >= 0 ? `; in order, value ${firstDifference} is ${show(sorted[firstDifference])}, expected ${wanted[firstDifference]}` : ""),
  );
}

/**
 * Checks that an expiry was not moved later. `before` seconds were left when a read resolved at
 * `beforeAt` (`performance.now()` milliseconds); the read that gave `left` was sent at
 * `askedAt`. An unchanged deadline allows at most `before - (askedAt - beforeAt)` seconds, give or
 * take 5 ms for a clock that steps; a deadline set again later shows as more.
 */
export function expectExpiryKept(before: number, beforeAt: number, left: unknown, askedAt: number, what: string): void {
  const most = before - (askedAt - beforeAt) / 1_000 + 0.005;
  if (typeof left === "number" && left <= most) return;
  fail(`${what}: expiresIn returned ${show(left)} s, but ${before} s were left ${(askedAt - beforeAt).toFixed(1)} ms earlier: the expiry was moved later (at most ${most.toFixed(3)} s expected)`);
}
