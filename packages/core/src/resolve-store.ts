import { InvalidArgumentError } from "./errors/invalid-argument-error.js";
import type { StoreRegistry } from "./registry.js";
import type { Store } from "./store.js";

/**
 * Where an integration finds its store: the store itself (`{ store }`), or a registry and the
 * name of one of its stores (`{ registry, name? }`, the name defaulting to the integration's own).
 */
export type StoreSource =
  | { store: Store; registry?: undefined; name?: undefined }
  | { registry: StoreRegistry; name?: string | undefined; store?: undefined };

/** Every operation of the {@link Store} contract. */
export const CONTRACT_METHODS = ["get", "set", "delete", "deleteAll", "exists", "expiresIn", "increment", "setIfAbsent", "keys", "close"] as const;

/** The names among `methods` that `value` does not have as functions (all of them for a non-object). */
export function missingMethods(value: unknown, methods: readonly string[]): string[] {
  return methods.filter((method) => typeof (value as Record<string, unknown> | null | undefined)?.[method] !== "function");
}

/**
 * The store an integration's `options` name: `options.store`, or
 * `options.registry.get(options.name ?? defaultName)`, taken from the registry once.
 *
 * Everything is checked before the registry is asked, so bad options take nothing from it. Other
 * fields of `options` (an integration's own settings) are ignored. `integration` names the caller
 * in error messages, for example `"SessionStore"`.
 *
 * @throws InvalidArgumentError, naming `integration` and the option, when `options` is not an
 *   object, neither or both of `store` and `registry` are given, `name` is given beside `store`
 *   or is not a non-empty string, `registry` has no `get`, or the store (given or from the
 *   registry) lacks an operation of the `Store` contract.
 * @throws whatever `registry.get` throws (a closed registry: StoreClosedError).
 */
export function resolveStore(options: unknown, defaultName: string, integration: string): Store {
  const invalid = (option: string, value: unknown, expected: string) =>
    new InvalidArgumentError({ argument: `${integration} ${option}`, value, expected });
  if (typeof options !== "object" || options === null) {
    throw invalid("options", options, "an object with a store, or a registry and an optional name");
  }
  const { store, registry, name } = options as { store?: unknown; registry?: unknown; name?: unknown };
  if ((store === undefined) === (registry === undefined)) {
    throw invalid("options", options, "exactly one of store and registry");
  }
  let resolved = store;
  let option = "options.store";
  if (registry !== undefined) {
    if (typeof (registry as { get?: unknown } | null)?.get !== "function") {
      throw invalid("options.registry", registry, "a StoreRegistry (an object with get)");
    }
    if (name !== undefined && (typeof name !== "string" || name.length === 0)) {
      throw invalid("options.name", name, `a non-empty string, or undefined for "${defaultName}"`);
    }
    const storeName = (name as string | undefined) ?? defaultName;
    resolved = (registry as StoreRegistry).get(storeName);
    option = `store ${JSON.stringify(storeName)} of options.registry`;
  } else if (name !== undefined) {
    throw invalid("options.name", name, "no name beside a store (a name picks a store from a registry)");
  }
  const missing = missingMethods(resolved, CONTRACT_METHODS);
  if (missing.length > 0) {
    throw invalid(option, resolved, `a Stowage Store (missing: ${missing.join(", ")})`);
  }
  return resolved as Store;
}
