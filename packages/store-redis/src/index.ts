export { RedisStore, type RedisClient, type RedisStoreOptions, type RedisStoreClientOptions } from "./redis-store.js";
