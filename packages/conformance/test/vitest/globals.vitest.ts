import { MemoryStore } from "@stowage/core";
import { describeStoreConformance } from "../../src/index.js";

// vitest with `globals: true`: the global describe and test are found, as under jest.
describeStoreConformance({ name: "MemoryStore under vitest globals", create: () => new MemoryStore() });
