// What an application on ioredis 5 writes: it must type-check as it is, with no cast.
import { type Store } from "@stowage/core";
import { RedisStore, type RedisStoreClientOptions, type RedisStoreOptions } from "@stowage/store-redis";
import { Cluster, Redis } from "ioredis";

/** A store on the application's own ioredis 5 client; `store.client` keeps the client's type. */
export function storeOnOwnClient(): RedisStore<Redis> {
  const client = new Redis({ lazyConnect: true });
  const store = new RedisStore({ client });
  const same: Redis = store.client;
  void same;
  return store;
}

/** Cluster clients, and every store option, including ones given as undefined. */
export function storeOnCluster(namespace: string | undefined): Store {
  const client = new Cluster([{ host: "127.0.0.1", port: 7000 }], { lazyConnect: true });
  const options: RedisStoreOptions<Cluster> = { client, namespace, ownsClient: undefined, operationTimeout: undefined };
  return new RedisStore(options);
}

/** `withClient` with options read from the environment, which may be undefined. */
export function storeFromEnvironment(): Store {
  return RedisStore.withClient({
    url: process.env.REDIS_URL,
    namespace: process.env.STOWAGE_NAMESPACE,
    operationTimeout: process.env.STOWAGE_TIMEOUT,
    lazyConnect: true,
  });
}

/** The factory's options type, spelled out by an application that builds them elsewhere. */
export const factoryOptions: RedisStoreClientOptions = { url: undefined, namespace: null, operationTimeout: "1s" };

/** A store made by the factory is a store on an ioredis client. */
export async function counterOf(store: RedisStore): Promise<number> {
  return store.increment("hits", { by: 1, expiresIn: "1m" });
}
