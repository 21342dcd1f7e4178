import { MemoryStore } from "@stowage/core";
import type { Backend } from "./suite.js";

/** A fresh MemoryStore per test; a closed one stands for an unavailable store (it fails at once). */
export const memoryBackend: Backend = {
  name: "memory",
  create: async () => new MemoryStore(),
  unavailable: async () => {
    const store = new MemoryStore();
    await store.close();
    return { store, boundMs: 0 };
  },
};
