// MemoryStore is the StoreRegistry's default store, so its implementation ships with
// @stowage/core (which can have no dependencies); this package is where applications and the
// docs name it, and where it is tested against the conformance suite.
export { MemoryStore, type MemoryStoreOptions } from "@stowage/core";
