import type { Store } from "@stowage/core";
import { fail } from "./assertions.js";
import { show } from "./fixtures.js";

/** Every key `store.keys()` yields, in order, repeats included. */
export async function collectKeys(store: Store): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.keys()) keys.push(key);
  return keys;
}

/**
 * Checks that `actual` (what keys() yielded) holds each of `expected`, nothing else (but the
 * `optional` keys, which may or may not be there), and, unless the store declares
 * `keysMayRepeat`, each once.
 */
export function expectKeys(
  actual: readonly unknown[],
  expected: Iterable<string>,
  what: string,
  mayRepeat: boolean,
  optional: ReadonlySet<string> = new Set(),
): void {
  const wanted = new Set(expected);
  const counts = new Map<unknown, number>();
  for (const key of actual) counts.set(key, (counts.get(key) ?? 0) + 1);
  const missing = [...wanted].filter((key) => !counts.has(key));
  const extra = [...counts.keys()].filter((key) => typeof key !== "string" || !(wanted.has(key) || optional.has(key)));
  const repeated = mayRepeat ? [] : [...counts].filter(([, count]) => count > 1).map(([key]) => key);
  if (missing.length + extra.length + repeated.length === 0) return;
  const list = (keys: readonly unknown[]) => `${keys.slice(0, 5).map(show).join(", ")}${keys.length > 5 ? `, … (${keys.length})` : ""}`;
  fail(
    `${what}: keys() yielded ${actual.length} keys where ${wanted.size} were expected` +
      (missing.length ? `; missing ${list(missing)}` : "") +
      (extra.length ? `; not this namespace's live keys: ${list(extra)}` : "") +
      (repeated.length ? `; yielded more than once: ${list(repeated)}` : ""),
  );
}

/** Sets each key (value: the key) in parallel chunks, in order within a chunk. */
export async function setAll(store: Store, keys: readonly string[], chunk = 100): Promise<void> {
  for (let start = 0; start < keys.length; start += chunk) {
    await Promise.all(keys.slice(start, start + chunk).map((key) => store.set(key, key)));
  }
}
