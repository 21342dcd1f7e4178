import { mkdir, mkdtemp, rename, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { StoreClosedError } from "@stowage/core";
import { encodeHeader } from "./entry-format.js";
import { FileStore } from "./index.js";
import { entryPaths, rootDirectory } from "./layout.js";
import { listKeys } from "./list-keys.js";

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), "stowage-file-keys-"));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function keysOf(store: FileStore): Promise<string[]> {
  const found: string[] = [];
  for await (const key of store.keys()) found.push(key);
  return found;
}

const fail = (error: unknown) => error as Error;

test("yields this namespace's live keys exactly as set, once each, in batches of at most 64", async () => {
  const store = new FileStore({ path: scratch });
  const keys = Array.from({ length: 300 }, (_, i) => [`k${i}`, `a/../${i}`, `ü ${i}\n`, `*?[${i}]`][i % 4]!);
  for (const key of keys) await store.set(key, "v", { expiresIn: "1h" });
  await store.set("expired", "v", { expiresIn: "1h" });
  const past = new Date(Date.now() - 1_000);
  await utimes(entryPaths(rootDirectory(scratch), "expired").path, past, past);
  // Descendants and prefix siblings are never this namespace's keys.
  await store.withNamespace("child").set("child-key", "v");
  await store.withNamespace("child").withNamespace("deep").set("deep-key", "v");

  const found = await keysOf(store);
  expect(found).toHaveLength(keys.length);
  expect([...found].sort()).toEqual([...keys].sort());

  const batches: string[][] = [];
  for await (const batch of listKeys(rootDirectory(scratch), fail)) batches.push(batch);
  expect(batches.length).toBeGreaterThan(4);
  expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(64);
  expect(batches.flat().sort()).toEqual([...keys].sort());

  expect(await keysOf(store.withNamespace("child"))).toEqual(["child-key"]);
  expect(await keysOf(store.withNamespace("chil"))).toEqual([]);
  expect(await keysOf(store.withNamespace("child").withNamespace("deep"))).toEqual(["deep-key"]);
});

test("skips temporary, foreign and invalid files, and reads an entry held aside once", async () => {
  const store = new FileStore({ path: scratch });
  await store.set("a", "1");
  await store.set("b", "2");
  const { path, aside } = entryPaths(rootDirectory(scratch), "a");
  const fanOut = dirname(path);
  await writeFile(join(fanOut, ".tmp-writer"), Buffer.concat([encodeHeader(Buffer.from("tmp"), 0), Buffer.from("x")]));
  await writeFile(join(fanOut, "notes.txt"), "foreign");
  await writeFile(join(fanOut, "f".repeat(64)), "not an entry");
  // A valid entry under the wrong name: get("stray") would never read it there.
  await writeFile(join(fanOut, "e".repeat(64)), Buffer.concat([encodeHeader(Buffer.from("stray"), 0), Buffer.from("x")]));
  await mkdir(join(rootDirectory(scratch), "zz-not-fan-out"));
  await writeFile(join(rootDirectory(scratch), "zz-not-fan-out", "f".repeat(64)), "x");
  expect((await keysOf(store)).sort()).toEqual(["a", "b"]);
  // "a" moved aside by a compare-and-swap in progress: still a key, once.
  await rename(path, aside);
  expect((await keysOf(store)).sort()).toEqual(["a", "b"]);
});

test("an empty or missing namespace has no keys; breaking out releases; closed stores reject", async () => {
  const store = new FileStore({ path: join(scratch, "missing") });
  expect(await keysOf(store)).toEqual([]);
  for (let i = 0; i < 100; i++) await store.set(`k${i}`, "v");
  for await (const key of store.keys()) {
    expect(key).toMatch(/^k/);
    break;
  }
  const iterator = store.keys();
  expect((await iterator.next()).done).toBe(false);
  await store.close();
  await expect(iterator.next()).rejects.toBeInstanceOf(StoreClosedError);
  await expect(store.keys().next()).rejects.toBeInstanceOf(StoreClosedError);
});

test("keys set or deleted during the iteration do not break it; keys live throughout are yielded", async () => {
  const store = new FileStore({ path: scratch });
  for (let i = 0; i < 200; i++) await store.set(`stable${i}`, "v");
  for (let i = 0; i < 100; i++) await store.set(`gone${i}`, "v");
  const found = new Set<string>();
  let step = 0;
  for await (const key of store.keys()) {
    expect(found.has(key)).toBe(false);
    found.add(key);
    if (step < 100) {
      await store.delete(`gone${step}`);
      await store.set(`new${step}`, "v");
    }
    step++;
  }
  for (let i = 0; i < 200; i++) expect(found.has(`stable${i}`)).toBe(true);
});
