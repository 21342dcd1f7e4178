import { MemoryStore } from "@stowage/core";
import { lockOrWait } from "./lock.js";

const settings = { expiresInMs: 10_000, waitMs: 5_000, pollIntervalMs: 1 };

test("a waiter that sees the lock released right after its read reads once more, and finds the holder's response", async () => {
  const store = new MemoryStore();
  await store.setIfAbsent("lock", "1", { expiresIn: 10 });
  let stored: string | undefined;
  const read = async () => {
    const found = { response: stored, failed: false };
    // The holder stores its response and releases the lock just after this read.
    if (stored === undefined) {
      stored = "the holder's response";
      await store.delete("lock");
    }
    return found;
  };
  const outcome = await lockOrWait(store, settings, "lock", read, () => false);
  expect(outcome).toEqual({ held: false, found: { response: "the holder's response", failed: false } });
  await store.close();
});

test("with the lock free, the caller takes it", async () => {
  const store = new MemoryStore();
  expect(await lockOrWait(store, settings, "lock", async () => ({ response: undefined, failed: false }), () => false)).toEqual({ held: true });
  expect(await store.exists("lock")).toBe(true);
  await store.close();
});
