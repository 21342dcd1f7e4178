import type KeyvRedis from "@keyv/redis";
import { createKeyv } from "@keyv/redis";
import { RedisStore } from "@stowage/store-redis";
import { Redis } from "ioredis";
import { Keyv } from "keyv";
import { createStorage } from "unstorage";
import redisDriver from "unstorage/drivers/redis";
import { closeAll, type BackendSuite, type Contender } from "./contender.js";
import { keyvStowageRedis } from "./keyv-contenders.js";
import { unstorageView } from "./memory-contenders.js";
import { respFloor, type RawRespClient } from "./resp-floor.js";
import { respSuite } from "./resp-suite.js";
import { stowageStore } from "./stowage-store.js";

/** keyv with @keyv/redis (on node-redis); a namespace is a keyv namespace on a connection of its own. */
function keyvRedis(url: string): Contender {
  const keyv = createKeyv(url);
  const views = new Map<string, Keyv>();
  return {
    name: "keyv + @keyv/redis",
    role: "peer",
    notes: ["JSON-encodes each value (bytes as base64)", "node-redis client", "clear() emits errors instead of rejecting"],
    set: (key, value, ttlMs) => keyv.set(key, value, ttlMs),
    get: (key) => keyv.get(key),
    // createKeyv without a namespace writes the key as given.
    storedBytes: async (key) => (await (keyv.store as KeyvRedis<string>).getClient()).strLen(key),
    namespace(name) {
      let view = views.get(name);
      if (!view) views.set(name, (view = createKeyv(url, { namespace: name })));
      const namespaced = view;
      return { set: (key, value) => namespaced.set(key, value), get: (key) => namespaced.get(key), deleteAll: () => namespaced.clear() };
    },
    close: () => closeAll([keyv, ...views.values()].map((instance) => ({ close: () => instance.disconnect() }))),
  };
}

/** unstorage with its redis driver (ioredis, whatever the server), raw API; a namespace is a driver with its own `base`. */
export function unstorageRedis(url: string): Contender {
  const storages = new Map<string, ReturnType<typeof createStorage>>();
  const storageFor = (base: string) => {
    let storage = storages.get(base);
    if (!storage) storages.set(base, (storage = createStorage({ driver: redisDriver({ url, base }) })));
    return storage;
  };
  const root = storageFor("unstorage");
  return {
    name: "unstorage (redis)",
    role: "peer",
    notes: ["stores values as base64 text", "expiry in whole seconds (EX)", "clear() collects every key, then one UNLINK"],
    set: (key, value, ttlMs) => root.setItemRaw(key, value, ttlMs === undefined ? {} : { ttl: Math.ceil(ttlMs / 1_000) }),
    get: (key) => root.getItemRaw(key),
    namespace: (name) => unstorageView(storageFor(`unstorage:${name}`)),
    close: () => closeAll([...storages.values()].map((storage) => ({ close: () => storage.dispose() }))),
  };
}

/** The Redis suite: a Redis server of its own, raw ioredis as the floor, RedisStore and the peers. */
export function redisSuite(): Promise<BackendSuite> {
  return respSuite("redis", (url) => new Redis(url), (url) => [
    respFloor("ioredis (floor)", new Redis(url) as unknown as RawRespClient),
    stowageStore("RedisStore", RedisStore.withClient({ url })),
    keyvRedis(url),
    unstorageRedis(url),
    keyvStowageRedis(url),
  ]);
}
