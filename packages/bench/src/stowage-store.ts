import type { NamespacedStore } from "@stowage/core";
import type { Contender } from "./contender.js";

/**
 * A Stowage store as a contender (MemoryStore, FileStore, RedisStore...): namespaces through
 * `withNamespace`; its `increment` and `setIfAbsent` are measured in the atomic workloads.
 */
export function stowageStore(name: string, store: NamespacedStore, notes: readonly string[] = []): Contender {
  const views = new Map<string, NamespacedStore>();
  return {
    name,
    role: "stowage",
    notes,
    set: (key, value, ttlMs) => (ttlMs === undefined ? store.set(key, value) : store.set(key, value, { expiresIn: ttlMs / 1_000 })),
    get: (key) => store.get(key),
    atomic: {
      increment: (key, ttlMs) => store.increment(key, { expiresIn: ttlMs / 1_000 }),
      setIfAbsent: (key, value, ttlMs) => store.setIfAbsent(key, value, { expiresIn: ttlMs / 1_000 }),
    },
    namespace(space) {
      let view = views.get(space);
      if (!view) views.set(space, (view = store.withNamespace(space)));
      const namespaced = view;
      return { set: (key, value) => namespaced.set(key, value), get: (key) => namespaced.get(key), deleteAll: () => namespaced.deleteAll() };
    },
    close: () => store.close(),
  };
}
