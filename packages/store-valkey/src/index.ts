export { ValkeyStore, type ValkeyClient, type ValkeyStoreOptions, type ValkeyStoreClientOptions } from "./valkey-store.js";
