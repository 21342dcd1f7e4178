import { describeStoreConformance } from "@stowage/conformance";
import { MemoryStore } from "./index.js";

describeStoreConformance({ name: "MemoryStore", create: () => new MemoryStore() });

describeStoreConformance({
  name: "MemoryStore with bounds and a sweep",
  // Bounds far above what any conformance test writes, so eviction never drops a checked entry.
  create: () => new MemoryStore({ maxEntries: 100_000, maxBytes: 256 * 1024 * 1024, sweepInterval: "50ms" }),
});
