import { spawnSync } from "node:child_process";
import path from "node:path";
import { MemoryStore } from "./index.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs test/namespace-heap.cjs in a child process with `--expose-gc` (heap figures need a full
 * collection, which jest's own process cannot give cleanly) and returns the fraction of the heap
 * the tenants took that is still held once they were emptied.
 */
function heldAfterEmptying(way: string, tenants: number, keepViews = false): { held: number; size: number; views: number } {
  const script = path.join(__dirname, "..", "test", "namespace-heap.cjs");
  const result = spawnSync(process.execPath, ["--expose-gc", script, way, String(tenants), keepViews ? "keep" : "drop"], {
    cwd: __dirname,
    encoding: "utf8",
    timeout: 100_000,
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as { held: number; size: number; views: number };
}

// Each child process fills and empties up to 100,000 namespaces: about a second on an idle
// machine, so the timeouts leave room for a CI runner whose cores are busy with other packages.
describe("MemoryStore gives emptied namespaces back", () => {
  test("100,000 tenants emptied by deleteAll leave almost nothing on the heap", () => {
    const { held, size } = heldAfterEmptying("deleteAll", 100_000);
    expect(size).toBe(0);
    expect(held).toBeLessThan(0.05); // before namespaces were freed: about 0.75
  }, 120_000);

  test.each(["delete", "expire", "evict"])("so do tenants emptied by %s", (way) => {
    const { held } = heldAfterEmptying(way, 20_000);
    expect(held).toBeLessThan(0.05);
  }, 120_000);

  test("kept views hold only themselves, not their emptied namespaces", () => {
    const { held, views } = heldAfterEmptying("deleteAll", 50_000, true);
    expect(views).toBe(50_000);
    // What remains is the 50,000 view objects the script keeps (under 200 bytes each, about 0.18
    // of what the tenants took); with the namespaces' bookkeeping it was about 0.8.
    expect(held).toBeLessThan(0.3);
  }, 120_000);
});

describe("a view of an emptied namespace keeps working", () => {
  test("after deleteAll it writes, reads, lists and deletes as before", async () => {
    const store = new MemoryStore();
    const tenant = store.withNamespace("tenant");
    await tenant.set("a", "1");
    await tenant.deleteAll();
    expect(await tenant.get("a")).toBeNull();
    await tenant.set("b", "2", { expiresIn: "1h" });
    expect(Buffer.from((await tenant.get("b"))!).toString()).toBe("2");
    expect(await tenant.expiresIn("b")).toBeGreaterThan(3_599);
    expect(await tenant.increment("n", { by: 5 })).toBe(5);
    expect(await tenant.setIfAbsent("b", "x")).toBe(false);
    const keys: string[] = [];
    for await (const key of tenant.keys()) keys.push(key);
    expect(keys.sort()).toEqual(["b", "n"]);
    expect(await store.withNamespace("tenant").exists("b")).toBe(true);
    expect(store.size).toBe(2);
    await tenant.delete("b");
    await tenant.delete("n");
    expect(await tenant.exists("b")).toBe(false);
    expect(store.size).toBe(0);
  });

  test("two views of one namespace see each other's writes after it was emptied", async () => {
    const store = new MemoryStore();
    const first = store.withNamespace("shared");
    const second = store.withNamespace("shared");
    await first.set("k", "1");
    expect(await second.get("k")).not.toBeNull();
    await second.deleteAll();
    await first.set("k", "2"); // first's old node is gone: it must find (or make) the new one
    expect(Buffer.from((await second.get("k"))!).toString()).toBe("2");
    await first.delete("k");
    await second.set("k", "3");
    expect(Buffer.from((await first.get("k"))!).toString()).toBe("3");
  });

  test("nested views survive their ancestors being emptied and refilled", async () => {
    const store = new MemoryStore();
    const parent = store.withNamespace("a");
    const child = parent.withNamespace("b");
    const grandchild = child.withNamespace("c");
    await grandchild.set("deep", "x");
    await parent.deleteAll(); // lets go of a, b and c
    expect(await grandchild.get("deep")).toBeNull();
    await grandchild.set("deep", "y");
    await parent.set("top", "t");
    expect(Buffer.from((await store.withNamespace("a").withNamespace("b").withNamespace("c").get("deep"))!).toString()).toBe("y");
    await grandchild.delete("deep"); // b and c go; a stays, it holds "top"
    expect(await parent.get("top")).not.toBeNull();
    await child.set("mid", "m");
    await store.deleteAll();
    for (const view of [parent, child, grandchild]) {
      await view.set("again", "1");
      expect(await view.exists("again")).toBe(true);
    }
    expect(store.size).toBe(3);
  });

  test("keys() of a namespace that was emptied lists only what was written since", async () => {
    const store = new MemoryStore();
    const tenant = store.withNamespace("t");
    const child = tenant.withNamespace("child");
    await tenant.set("old", "1");
    await child.set("c", "1");
    await tenant.deleteAll();
    const empty: string[] = [];
    for await (const key of tenant.keys()) empty.push(key);
    expect(empty).toEqual([]);
    await tenant.set("new", "1");
    await child.set("c2", "1");
    const keys: string[] = [];
    for await (const key of tenant.keys()) keys.push(key);
    expect(keys).toEqual(["new"]);
  });

  test("expiry and eviction free a namespace and its views keep working", async () => {
    const store = new MemoryStore({ maxEntries: 2 });
    const tenant = store.withNamespace("t");
    await tenant.set("short", "x", { expiresIn: "20ms" });
    await sleep(40); // twice the TTL: the entry has expired
    expect(await tenant.deleteExpired()).toBe(1);
    expect(await tenant.deleteExpired()).toBe(0);
    await tenant.set("a", "1");
    await store.set("r1", "1");
    await store.set("r2", "2"); // evicts t's only entry
    expect(await tenant.exists("a")).toBe(false);
    await tenant.set("a", "again"); // evicts r1
    expect(Buffer.from((await tenant.get("a"))!).toString()).toBe("again");
    expect(store.size).toBe(2);
  });
});
