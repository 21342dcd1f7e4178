import { KeyvStowage } from "@stowage/keyv";
import { RedisStore } from "@stowage/store-redis";
import { Keyv } from "keyv";
import type { Contender } from "./contender.js";

/**
 * Keyv over `KeyvStowage(RedisStore)`: the same Keyv calls as the `keyv + @keyv/redis` peer, so
 * the comparison is the storage adapter alone (both JSON-encode each value the same way). A
 * namespace is a Keyv namespace, cleared through `clear()` (withNamespace(N).deleteAll()).
 */
export function keyvStowageRedis(url: string): Contender {
  const store = RedisStore.withClient({ url });
  const keyv = new Keyv({ store: new KeyvStowage(store), throwOnErrors: true });
  const views = new Map<string, Keyv>();
  return {
    name: "keyv + KeyvStowage(RedisStore)",
    role: "adapter",
    notes: ["Keyv JSON-encodes each value (bytes as base64), as with @keyv/redis", "ioredis client"],
    set: (key, value, ttlMs) => keyv.set(key, value, ttlMs),
    get: (key) => keyv.get(key),
    namespace(name) {
      let view = views.get(name);
      if (!view) views.set(name, (view = new Keyv({ store: new KeyvStowage(store), namespace: name, throwOnErrors: true })));
      const namespaced = view;
      return { set: (key, value) => namespaced.set(key, value), get: (key) => namespaced.get(key), deleteAll: () => namespaced.clear() };
    },
    // Keyv's default namespace `keyv` is the store's child namespace of that name.
    storedBytes: (key) => store.client.strlen(store.withNamespace("keyv").redisKey(key)),
    close: () => store.close(),
  };
}
