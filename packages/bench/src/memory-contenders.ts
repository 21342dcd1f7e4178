import { MemoryStore } from "@stowage/store-memory";
import { createCache } from "cache-manager";
import { Keyv } from "keyv";
import { createStorage, prefixStorage } from "unstorage";
import { closeAll, type BackendSuite, type Contender, type NamespaceView } from "./contender.js";
import { stowageStore } from "./stowage-store.js";

/**
 * The floor: a `Map` behind an async function. It keeps the caller's array (no copies) and checks
 * an expiry only for keys written with one (kept in a side map), so it is the least any async
 * in-memory store can cost.
 */
export function mapFloor(): Contender {
  const namespaces = new Map<string, Map<string, Uint8Array>>();
  const values = new Map<string, Uint8Array>();
  const expiries = new Map<string, number>();
  // The atomic floor: a `Map` counter, and a `Map` has-then-set, each with the expiry check the
  // workloads' 60 s expiry asks for.
  const counters = new Map<string, { count: number; expiresAt: number }>();
  const claims = new Map<string, { value: Uint8Array; expiresAt: number }>();
  return {
    name: "Map (floor)",
    role: "floor",
    notes: ["keeps the caller's array, no copies"],
    atomic: {
      async increment(key, ttlMs) {
        const now = Date.now();
        const counter = counters.get(key);
        if (counter !== undefined && counter.expiresAt > now) return ++counter.count;
        counters.set(key, { count: 1, expiresAt: now + ttlMs });
        return 1;
      },
      async setIfAbsent(key, value, ttlMs) {
        const now = Date.now();
        const claim = claims.get(key);
        if (claim !== undefined && claim.expiresAt > now) return false;
        claims.set(key, { value, expiresAt: now + ttlMs });
        return true;
      },
    },
    async set(key, value, ttlMs) {
      values.set(key, value);
      if (ttlMs !== undefined) expiries.set(key, Date.now() + ttlMs);
    },
    async get(key) {
      // Counters are read back only to check the increment workload's total.
      if (counters.size > 0) {
        const counter = counters.get(key);
        if (counter !== undefined) return Buffer.from(String(counter.count));
      }
      if (expiries.size > 0) {
        const expiresAt = expiries.get(key);
        if (expiresAt !== undefined && expiresAt <= Date.now()) return null;
      }
      return values.get(key) ?? null;
    },
    namespace(name) {
      let entries = namespaces.get(name);
      if (!entries) namespaces.set(name, (entries = new Map()));
      const view = entries;
      return {
        async set(key, value) { view.set(key, value); },
        async get(key) { return view.get(key) ?? null; },
        async deleteAll() { view.clear(); },
      };
    },
    async close() {
      namespaces.clear();
      values.clear();
      expiries.clear();
      counters.clear();
      claims.clear();
    },
  };
}

/** keyv with its default in-memory `Map`; a namespace is its own `Keyv` (and `Map`), as keyv's docs do it. */
export function keyvMemory(): Contender {
  const keyv = new Keyv();
  const views = new Map<string, Keyv>();
  return {
    name: "keyv (memory)",
    role: "peer",
    notes: ["JSON-encodes each value (bytes as base64)"],
    set: (key, value, ttlMs) => keyv.set(key, value, ttlMs),
    get: (key) => keyv.get(key),
    namespace(name) {
      let view = views.get(name);
      if (!view) views.set(name, (view = new Keyv({ namespace: name })));
      const namespaced = view;
      return { set: (key, value) => namespaced.set(key, value), get: (key) => namespaced.get(key), deleteAll: () => namespaced.clear() };
    },
    close: async () => {
      await keyv.disconnect();
      for (const view of views.values()) await view.disconnect();
    },
  };
}

/** unstorage with its memory driver, raw (byte) API; a namespace is a `prefixStorage`. */
export function unstorageMemory(): Contender {
  const storage = createStorage();
  return {
    name: "unstorage (memory)",
    role: "peer",
    notes: ["ignores expiry", "keeps the caller's array, no copies", "clear() on a prefixStorage removes nothing"],
    set: (key, value) => storage.setItemRaw(key, value),
    get: (key) => storage.getItemRaw(key),
    namespace: (name) => unstorageView(prefixStorage(storage, name)),
    close: () => storage.dispose(),
  };
}

/** A namespace view over an unstorage (prefix) storage. */
export function unstorageView(storage: ReturnType<typeof createStorage>): NamespaceView {
  return { set: (key, value) => storage.setItemRaw(key, value), get: (key) => storage.getItemRaw(key), deleteAll: () => storage.clear() };
}

/** cache-manager with its default store (keyv on a `Map`, without serialization); it has no namespaces. */
export function cacheManagerMemory(): Contender {
  const cache = createCache();
  return {
    name: "cache-manager (memory)",
    role: "peer",
    notes: ["keeps the caller's array, no copies", "no namespaces"],
    set: (key, value, ttlMs) => cache.set(key, value, ttlMs),
    get: (key) => cache.get(key),
    close: () => cache.disconnect().then(() => undefined),
  };
}

/** The memory contenders by name, for the memory-per-entry child process. */
export const MEMORY_CONTENDERS: Record<string, () => Contender> = {
  "Map (floor)": mapFloor,
  MemoryStore: () => stowageStore("MemoryStore", new MemoryStore()),
  "keyv (memory)": keyvMemory,
  "unstorage (memory)": unstorageMemory,
  "cache-manager (memory)": cacheManagerMemory,
};

/** The in-memory suite: the `Map` floor, `MemoryStore` and the in-memory peers. */
export async function memorySuite(): Promise<BackendSuite> {
  const make = () => Object.values(MEMORY_CONTENDERS).map((create) => create());
  let contenders = make();
  return {
    backend: "memory",
    get contenders() { return contenders; },
    sampleEvery: 16,
    // Fresh instances per workload, so the previous workload's entries are garbage, not load.
    async reset() {
      await closeAll(contenders);
      contenders = make();
    },
    close: () => closeAll(contenders),
  };
}
