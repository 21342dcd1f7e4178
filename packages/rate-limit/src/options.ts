import { InvalidArgumentError, type Store } from "@stowage/core";

/**
 * Whether counters in `store` are seen by this process only: true for a `MemoryStore` (or one of
 * its namespaces), false for every other store. Read from the store's own description, so it
 * works across the ESM and CommonJS copies of core.
 */
export function isProcessLocal(store: Store): boolean {
  const description = (store as { description?: unknown }).description;
  return typeof description === "string" && /^MemoryStore(?:\[|$)/.test(description);
}

/**
 * A prefix option: a string, `""` when left out.
 *
 * @throws InvalidArgumentError otherwise.
 */
export function toPrefix(prefix: unknown): string {
  if (prefix === undefined) return "";
  if (typeof prefix !== "string") throw new InvalidArgumentError({ argument: "prefix", value: prefix, expected: "a string, or undefined for none" });
  return prefix;
}
