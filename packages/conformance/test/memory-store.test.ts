import { MemoryStore } from "@stowage/core";
import { describeStoreConformance } from "../src/index.js";

// The reference run: the memory store must pass every case, registered exactly as a third party would.
describeStoreConformance({
  name: "MemoryStore",
  create: () => new MemoryStore(),
});

describeStoreConformance({
  name: "MemoryStore with bounds, a sweep timer, and an async create and cleanup",
  create: async () => new MemoryStore({ maxEntries: 100_000, maxBytes: 256 * 1_048_576, sweepInterval: "50ms" }),
  cleanup: async (store) => {
    // Some cases close the store themselves; cleanup must accept that.
    if (!store.closed) await store.deleteAll();
    await store.close();
  },
});
