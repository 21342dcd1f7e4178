import { InvalidArgumentError, type Store, type StoreRegistry } from "@stowage/core";

/** Where an integration finds its store: the store itself, or a registry and a name. */
export type StoreSource = { store: Store; registry?: undefined; name?: undefined } | { registry: StoreRegistry; name?: string; store?: undefined };

const COUNTER_METHODS = ["increment", "get", "expiresIn", "delete"] as const;

/**
 * The store `options` names: `options.store`, or `options.registry.get(name ?? defaultName)`.
 *
 * @throws InvalidArgumentError when neither or both of `store` and `registry` are given, the name
 *   is not a non-empty string, or the store lacks the operations a counter needs; whatever
 *   `registry.get` throws (a closed registry: StoreClosedError).
 */
export function resolveStore(options: unknown, defaultName: string, owner: string): Store {
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError({ argument: `${owner} options`, value: options, expected: "an object with a store, or a registry and an optional name" });
  }
  const { store, registry, name } = options as { store?: unknown; registry?: unknown; name?: unknown };
  if ((store === undefined) === (registry === undefined)) {
    throw new InvalidArgumentError({ argument: `${owner} options`, value: options, expected: "exactly one of store and registry" });
  }
  let resolved = store;
  if (registry !== undefined) {
    if (typeof (registry as { get?: unknown } | null)?.get !== "function") {
      throw new InvalidArgumentError({ argument: "registry", value: registry, expected: "a StoreRegistry" });
    }
    if (name !== undefined && (typeof name !== "string" || name.length === 0)) {
      throw new InvalidArgumentError({ argument: "name", value: name, expected: `a non-empty string, or undefined for "${defaultName}"` });
    }
    resolved = (registry as StoreRegistry).get(name ?? defaultName);
  } else if (name !== undefined) {
    throw new InvalidArgumentError({ argument: "name", value: name, expected: "no name beside a store (a name picks a store from a registry)" });
  }
  const missing = COUNTER_METHODS.filter((method) => typeof (resolved as Record<string, unknown> | null)?.[method] !== "function");
  if (missing.length > 0) {
    throw new InvalidArgumentError({ argument: "store", value: resolved, expected: `a Stowage Store (missing: ${missing.join(", ")})` });
  }
  return resolved as Store;
}

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
