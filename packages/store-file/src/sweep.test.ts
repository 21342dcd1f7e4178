import { mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { swapHooks } from "./entry-swap.js";
import { FileStore } from "./index.js";
import { entryPaths, rootDirectory } from "./layout.js";

// The sweep against writers racing it, step by step: the test drives the interleaving through
// the hooks around the sweep's move aside, so nothing depends on timing.

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), "stowage-file-sweep-"));
});
afterEach(async () => {
  delete swapHooks.beforeMoveAside;
  delete swapHooks.afterMoveAside;
  await rm(scratch, { recursive: true, force: true });
});

const text = (value: Uint8Array | null) => (value === null ? null : Buffer.from(value).toString("utf8"));

/** An entry of `store` for `key`, expired without waiting (its modification time is its expiry). */
async function expiredEntry(store: FileStore, key: string): Promise<void> {
  await store.set(key, "expired", { expiresIn: "1h" });
  const past = new Date(Date.now() - 1_000);
  await utimes(entryPaths(rootDirectory(scratch), key).path, past, past);
}

test("a delete racing the sweep is never undone, and the live entry never reads as missing", async () => {
  const sweeper = new FileStore({ path: scratch });
  const writer = new FileStore({ path: scratch }); // another process, as far as the files go
  await expiredEntry(sweeper, "session");
  const seen: unknown[] = [];
  let deleted = false;
  let deletion: Promise<void> | undefined;
  // 1. The sweep has opened the expired file and found it expired.
  // 2. Another process sets the key: a new file replaces the expired one.
  swapHooks.beforeMoveAside = async () => {
    delete swapHooks.beforeMoveAside;
    await writer.set("session", "live");
  };
  // 3. The sweep has moved the path (now the new file) aside.
  swapHooks.afterMoveAside = async () => {
    delete swapHooks.afterMoveAside;
    // A read in this window sees the live entry, not a missing one.
    seen.push(text(await writer.get("session")), await writer.exists("session"));
    // 4. delete(k) starts: it waits for the sweep instead of finding nothing and resolving.
    deletion = writer.delete("session").then(() => {
      deleted = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen.push(deleted);
  };
  // 5. The sweep sees another file than the expired one and puts it back.
  expect(await sweeper.deleteExpired()).toBe(0);
  expect(seen).toEqual(["live", true, false]);
  await deletion;
  // The delete happened after the sweep put the entry back: it stays deleted.
  expect(await writer.get("session")).toBeNull();
  expect(await sweeper.get("session")).toBeNull();
  expect(await sweeper.deleteExpired()).toBe(0);
  expect(await writer.get("session")).toBeNull();
});

test("an expired entry moved aside by the sweep reads as missing, and is removed", async () => {
  const store = new FileStore({ path: scratch });
  await expiredEntry(store, "k");
  await store.set("other", "v");
  const seen: unknown[] = [];
  swapHooks.afterMoveAside = async () => {
    delete swapHooks.afterMoveAside;
    seen.push(await store.get("k"), await store.exists("k"));
  };
  expect(await store.deleteExpired()).toBe(1);
  expect(seen).toEqual([null, false]);
  expect(text(await store.get("other"))).toBe("v");
});

test("an entry renewed between the sweep's look and its move is put back, renewed", async () => {
  const store = new FileStore({ path: scratch });
  await expiredEntry(store, "k");
  swapHooks.beforeMoveAside = async () => {
    delete swapHooks.beforeMoveAside;
    // As a renewal in place would: the same file, a new modification time.
    const later = new Date(Date.now() + 3_600_000);
    await utimes(entryPaths(rootDirectory(scratch), "k").path, later, later);
  };
  expect(await store.deleteExpired()).toBe(0);
  expect(text(await store.get("k"))).toBe("expired");
});

test("an entry whose lock another holder has is left for the next sweep", async () => {
  const store = new FileStore({ path: scratch });
  await expiredEntry(store, "k");
  await store.set("c", "1");
  let swept: number | undefined;
  // An increment of the expired "k" holds its lock, the expired file still at its path, when the
  // sweep runs: the sweep must leave the file to the lock holder.
  swapHooks.beforeMoveAside = async () => {
    delete swapHooks.beforeMoveAside;
    swept = await store.deleteExpired();
  };
  expect(await store.increment("k")).toBe(1);
  expect(swept).toBe(0);
  expect(text(await store.get("k"))).toBe("1");
});
