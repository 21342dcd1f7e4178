import { spawnSync } from "node:child_process";
import { InvalidArgumentError, StoreClosedError } from "@stowage/core";
import { MemoryStore } from "./index.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("MemoryStore bounds", () => {
  test("maxEntries evicts the least recently used entry, across namespaces", async () => {
    const store = new MemoryStore({ maxEntries: 3 });
    const child = store.withNamespace("child");
    await store.set("a", "1");
    await child.set("b", "2");
    await store.set("c", "3");
    expect(await store.get("a")).not.toBeNull(); // a is now the most recently used
    await child.set("d", "4"); // evicts b, the least recently used
    expect(await child.exists("b")).toBe(false);
    expect(await store.exists("a")).toBe(true);
    expect(await store.exists("c")).toBe(true);
    expect(await child.exists("d")).toBe(true);
    expect(store.size).toBe(3);
  });

  test("maxBytes counts values and keys and evicts until the store fits", async () => {
    const store = new MemoryStore({ maxBytes: 100 });
    await store.set("a", new Uint8Array(40)); // 40 + 2 bytes
    await store.set("b", new Uint8Array(40)); // 84 in all
    await store.set("c", new Uint8Array(40)); // 126: evicts a
    expect(await store.exists("a")).toBe(false);
    expect(await store.exists("b")).toBe(true);
    expect(await store.exists("c")).toBe(true);
  });

  test("overwriting and deleting release their bytes", async () => {
    const store = new MemoryStore({ maxBytes: 100 });
    await store.set("a", new Uint8Array(45));
    await store.set("a", new Uint8Array(45));
    await store.set("b", new Uint8Array(45));
    expect(await store.exists("a")).toBe(true);
    await store.delete("a");
    await store.withNamespace("n").set("x", new Uint8Array(45));
    expect(await store.exists("b")).toBe(true);
    await store.withNamespace("n").deleteAll();
    await store.set("c", new Uint8Array(45));
    expect(await store.exists("b")).toBe(true);
    expect(store.size).toBe(2);
  });

  test("an entry larger than maxBytes is rejected and changes nothing", async () => {
    const store = new MemoryStore({ maxBytes: 10 });
    await store.set("a", "1");
    await expect(store.set("big", new Uint8Array(11))).rejects.toThrow(InvalidArgumentError);
    expect(await store.get("a")).toEqual(Buffer.from("1"));
    expect(await store.exists("big")).toBe(false);
  });

  test.each([null, "big", { maxEntries: 0 }, { maxEntries: 1.5 }, { maxBytes: -1 }, { maxBytes: Number.NaN }, { sweepInterval: "soon" }])(
    "rejects the options %p",
    (options) => expect(() => new MemoryStore(options as never)).toThrow(InvalidArgumentError),
  );
});

describe("MemoryStore timer limits", () => {
  test.each(["30d", "25d", "2147483648ms", 2_147_484])("a sweepInterval of %p (past 2^31-1 ms) rejects with InvalidArgumentError", (sweepInterval) => {
    const setIntervalSpy = jest.spyOn(globalThis, "setInterval");
    try {
      expect(() => new MemoryStore({ sweepInterval })).toThrow(InvalidArgumentError);
      expect(() => new MemoryStore({ sweepInterval })).toThrow(/sweepInterval.*at most 2147483647 ms/);
      expect(setIntervalSpy).not.toHaveBeenCalled(); // no timer was armed
    } finally {
      setIntervalSpy.mockRestore();
    }
  });

  test.each(["2147483647ms", 2_147_483.647, "24d"])("a sweepInterval of %p (at most 2^31-1 ms) is accepted", async (sweepInterval) => {
    const store = new MemoryStore({ sweepInterval });
    await store.set("k", "v");
    expect(await store.get("k")).not.toBeNull();
    await store.close();
  });
});

describe("MemoryStore expiry reclamation", () => {
  test("deleteExpired removes expired entries of the namespace and below, without reads", async () => {
    const store = new MemoryStore();
    const child = store.withNamespace("a");
    const grandchild = child.withNamespace("b");
    await store.set("root-short", "x", { expiresIn: "20ms" });
    await grandchild.set("deep-short", "x", { expiresIn: "20ms" });
    await child.set("long", "x", { expiresIn: "1h" });
    await child.set("forever", "x");
    await sleep(40); // twice the TTL: both short entries have expired
    expect(store.size).toBe(4); // expired but not yet reclaimed
    expect(await child.deleteExpired()).toBe(1); // only its own subtree
    expect(await store.deleteExpired()).toBe(1);
    expect(store.size).toBe(2);
    expect(await child.get("long")).not.toBeNull();
  });

  test("sweepInterval reclaims expired entries on a timer, which stops on close", async () => {
    const setIntervalSpy = jest.spyOn(globalThis, "setInterval");
    const clearIntervalSpy = jest.spyOn(globalThis, "clearInterval");
    try {
      const store = new MemoryStore({ sweepInterval: "10ms" });
      expect(setIntervalSpy).toHaveBeenCalledTimes(1);
      const timer = setIntervalSpy.mock.results[0]!.value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
      await store.set("k", "v", { expiresIn: "5ms" });
      await sleep(60); // several sweeps after the entry expired
      expect(store.size).toBe(0);
      await store.close();
      expect(clearIntervalSpy).toHaveBeenCalledWith(timer);
      await expect(store.deleteExpired()).rejects.toThrow(StoreClosedError);
    } finally {
      setIntervalSpy.mockRestore();
      clearIntervalSpy.mockRestore();
    }
  });

  test("the sweep timer never keeps the process alive", () => {
    const script = `
      const { MemoryStore } = require("@stowage/core");
      new MemoryStore({ sweepInterval: 60 });
      console.log("started");`;
    const result = spawnSync(process.execPath, ["-e", script], { cwd: __dirname, encoding: "utf8", timeout: 10_000 });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("started");
    expect(result.status).toBe(0); // exited by itself, long before the 60 s interval
  });
});

describe("MemoryStore values", () => {
  test("get returns a Buffer copy, set keeps its own copy", async () => {
    const store = new MemoryStore();
    const input = Buffer.from("abc");
    await store.set("k", input);
    input.write("zzz");
    const output = (await store.get("k"))!;
    expect(Buffer.isBuffer(output)).toBe(true);
    output[0] = 0;
    expect((await store.get("k"))!.toString()).toBe("abc");
  });

  test("every value owns its memory: a value's .buffer holds no other entry's bytes", async () => {
    const store = new MemoryStore();
    await store.set("a", "first");
    await store.set("b", Buffer.from("second"));
    await store.set("empty", "");
    await store.increment("counter");
    for (const key of ["a", "b", "empty", "counter"]) {
      const value = (await store.get(key))!;
      expect(value.byteOffset).toBe(0);
      expect(value.buffer.byteLength).toBe(value.byteLength);
    }
  });

  test("zeroing the whole .buffer of a returned value changes no other entry", async () => {
    const store = new MemoryStore();
    await store.set("a", "aaaa");
    await store.set("b", "bbbb");
    const a = (await store.get("a"))!;
    const whole = new Uint8Array(a.buffer);
    // Were `a` a slice of Node's shared pool, zeroing its buffer would corrupt whatever else lives
    // in that pool: keep a copy and put it back at once. MemoryStore's `get` copies its value
    // synchronously, so `b` is read while the buffer is zeroed.
    const saved = whole.slice();
    whole.fill(0);
    const b = store.get("b");
    whole.set(saved);
    expect(Buffer.from((await b)!).toString()).toBe("bbbb");
    expect(Buffer.from((await store.get("a"))!).toString()).toBe("aaaa");
  });

  test("a value set from a pooled Buffer cannot be changed through the pool", async () => {
    const store = new MemoryStore();
    const input = Buffer.from("secret"); // a small Buffer.from lives in Node's shared pool
    expect(input.buffer.byteLength).toBeGreaterThan(input.byteLength);
    await store.set("k", input);
    await store.setIfAbsent("other", input);
    const pool = new Uint8Array(input.buffer);
    const saved = pool.slice(); // see above: the pool is put back before anything else runs
    pool.fill(0);
    const reads = [store.get("k"), store.get("other")];
    pool.set(saved);
    for (const read of reads) expect(Buffer.from((await read)!).toString()).toBe("secret");
  });
});
