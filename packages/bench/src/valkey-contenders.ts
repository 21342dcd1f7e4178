import KeyvValkey from "@keyv/valkey";
import { ValkeyStore } from "@stowage/store-valkey";
import { Valkey } from "iovalkey";
import { Keyv } from "keyv";
import { closeAll, type BackendSuite, type Contender } from "./contender.js";
import { unstorageRedis } from "./redis-contenders.js";
import { respFloor, type RawRespClient } from "./resp-floor.js";
import { respSuite } from "./resp-suite.js";
import { stowageStore } from "./stowage-store.js";

/** keyv with @keyv/valkey (on iovalkey); a namespace is a keyv namespace on a connection of its own. */
function keyvValkey(url: string): Contender {
  const open = (namespace?: string) => new Keyv(new KeyvValkey(url), namespace === undefined ? {} : { namespace });
  const keyv = open();
  const views = new Map<string, Keyv>();
  return {
    name: "keyv + @keyv/valkey",
    role: "peer",
    notes: ["JSON-encodes each value (bytes as base64)", "adds every key to a Redis set (SADD) for clear()"],
    set: (key, value, ttlMs) => keyv.set(key, value, ttlMs),
    get: (key) => keyv.get(key),
    namespace(name) {
      let view = views.get(name);
      if (!view) views.set(name, (view = open(name)));
      const namespaced = view;
      return { set: (key, value) => namespaced.set(key, value), get: (key) => namespaced.get(key), deleteAll: () => namespaced.clear() };
    },
    close: () => closeAll([keyv, ...views.values()].map((instance) => ({ close: () => instance.disconnect() }))),
  };
}

/** The Valkey suite: a Valkey server of its own, raw iovalkey as the floor, ValkeyStore and the peers. */
export function valkeySuite(): Promise<BackendSuite> {
  return respSuite("valkey", (url) => new Valkey(url), (url) => [
    respFloor("iovalkey (floor)", new Valkey(url) as unknown as RawRespClient),
    stowageStore("ValkeyStore", ValkeyStore.withClient({ url })),
    keyvValkey(url),
    unstorageRedis(url),
  ]);
}
