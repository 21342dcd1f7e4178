import { spawn, spawnSync } from "node:child_process";
import { lstat, lutimes, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { InvalidArgumentError } from "@stowage/core";
import { STALE_LOCK_MS, breakIfStale } from "./entry-lock.js";
import { swapHooks } from "./entry-swap.js";
import { FileStore } from "./index.js";
import { entryPaths, rootDirectory } from "./layout.js";

let scratch: string;
let store: FileStore;
let other: FileStore; // a second store on the same directory, as another process would have
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), "stowage-file-atomic-"));
  store = new FileStore({ path: scratch });
  other = new FileStore({ path: scratch });
});
afterEach(async () => {
  delete swapHooks.beforeMoveAside;
  delete swapHooks.afterMoveAside;
  await rm(scratch, { recursive: true, force: true });
});

const text = (value: Uint8Array | null) => (value === null ? null : Buffer.from(value).toString("utf8"));
const paths = (key: string) => entryPaths(rootDirectory(scratch), key);
/** The entry's expiry as the file holds it (its modification time), in ns. */
const mtimeOf = async (key: string) => (await stat(paths(key).path, { bigint: true })).mtimeNs;
/** Makes an entry expired without waiting: its modification time is its expiry. */
const expire = (key: string) => utimes(paths(key).path, new Date(Date.now() - 1_000), new Date(Date.now() - 1_000));

/** Runs `hook` once, the first time the step is reached. */
function once(step: "beforeMoveAside" | "afterMoveAside", hook: () => Promise<void>): void {
  swapHooks[step] = async () => {
    delete swapHooks[step];
    await hook();
  };
}

describe("increment", () => {
  test("a live counter keeps its expiry to the nanosecond; a new one gets expiresIn; the text is decimal", async () => {
    expect(await store.increment("c", { expiresIn: "1h" })).toBe(1);
    const expiry = await mtimeOf("c");
    expect(await store.increment("c", { by: 41, expiresIn: "1s" })).toBe(42);
    expect(await store.increment("c", { by: -50 })).toBe(-8);
    expect(await mtimeOf("c")).toBe(expiry);
    expect(text(await store.get("c"))).toBe("-8");
    await store.set("plain", "41");
    expect(await store.increment("plain")).toBe(42);
    expect(await store.expiresIn("plain")).toBeNull();
  });

  test("an expired counter counts as 0 and gets the new expiresIn", async () => {
    await store.set("c", "99", { expiresIn: "1h" });
    await expire("c");
    expect(await store.increment("c", { by: 5, expiresIn: "2h" })).toBe(5);
    expect(await store.expiresIn("c")).toBeGreaterThan(7_000);
  });

  test.each(["4.5", "abc", "", "01", "+1", " 1", "9007199254740992"])("an entry holding %j rejects with InvalidArgumentError and is left as it was", async (held) => {
    await store.set("c", held, { expiresIn: "1h" });
    const before = await stat(paths("c").path, { bigint: true });
    await expect(store.increment("c")).rejects.toBeInstanceOf(InvalidArgumentError);
    const after = await stat(paths("c").path, { bigint: true });
    expect([after.ino, after.mtimeNs]).toEqual([before.ino, before.mtimeNs]);
    expect(text(await store.get("c"))).toBe(held);
    expect(await readdir(dirname(paths("c").path))).toEqual([basename(paths("c").path)]);
  });

  test("an overflow rejects and changes nothing", async () => {
    await store.set("c", String(Number.MAX_SAFE_INTEGER));
    await expect(store.increment("c")).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(text(await store.get("c"))).toBe(String(Number.MAX_SAFE_INTEGER));
  });

  test("200 concurrent increments from two stores return 1..200", async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? store : other).increment("c")));
    expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(text(await store.get("c"))).toBe("200");
  });

  test("a set between the read and the swap is not overwritten: the increment reads again", async () => {
    await store.set("c", "5");
    once("beforeMoveAside", () => other.set("c", "10"));
    expect(await store.increment("c")).toBe(11);
    expect(text(await store.get("c"))).toBe("11");
  });

  test("a set during the swap wins, as if it came after the increment", async () => {
    await store.set("c", "5");
    once("afterMoveAside", () => other.set("c", "10"));
    expect(await store.increment("c")).toBe(6);
    expect(text(await store.get("c"))).toBe("10");
  });

  test("while the counter is moved aside, readers still see it", async () => {
    await store.set("c", "5", { expiresIn: "1h" });
    const seen: unknown[] = [];
    once("afterMoveAside", async () => {
      seen.push(text(await other.get("c")), await other.exists("c"), (await other.expiresIn("c"))! > 3_000, [...(await keysOf(other))]);
    });
    expect(await store.increment("c")).toBe(6);
    expect(seen).toEqual(["5", true, true, ["c"]]);
  });
});

describe("setIfAbsent", () => {
  test("stores only when absent or expired, and never changes a live entry's expiry", async () => {
    expect(await store.setIfAbsent("k", "first", { expiresIn: "1h" })).toBe(true);
    const expiry = await mtimeOf("k");
    expect(await other.setIfAbsent("k", "second", { expiresIn: "1s" })).toBe(false);
    expect(await mtimeOf("k")).toBe(expiry);
    expect(text(await store.get("k"))).toBe("first");
    await expire("k");
    expect(await other.setIfAbsent("k", "third")).toBe(true);
    expect(text(await store.get("k"))).toBe("third");
    expect(await store.expiresIn("k")).toBeNull();
  });

  test("100 concurrent calls on an expired entry from two stores give exactly one true", async () => {
    await store.set("k", "old", { expiresIn: "1h" });
    await expire("k");
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? store : other).setIfAbsent("k", `v${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(text(await store.get("k"))).toBe(`v${results.indexOf(true)}`);
  });

  test("a set landing on an expired entry before the takeover wins: setIfAbsent is false", async () => {
    await store.set("k", "old", { expiresIn: "1h" });
    await expire("k");
    once("beforeMoveAside", () => other.set("k", "set"));
    expect(await store.setIfAbsent("k", "mine")).toBe(false);
    expect(text(await store.get("k"))).toBe("set");
  });

  test("a set landing during the takeover comes after it", async () => {
    await store.set("k", "old", { expiresIn: "1h" });
    await expire("k");
    once("afterMoveAside", async () => {
      // The expired entry is aside: readers see nothing, and the set lands.
      expect(await other.get("k")).toBeNull();
      await other.set("k", "set");
    });
    expect(await store.setIfAbsent("k", "mine")).toBe(true);
    expect(text(await store.get("k"))).toBe("set");
  });
});

describe("locks and what killed processes leave", () => {
  /** A PID that no process has now: a child that has exited. */
  const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

  /** A lock of `key` as a process with `owner` left it, taken `age` ms ago. */
  async function plantLock(key: string, owner: string, age: number): Promise<string> {
    const { lock } = paths(key);
    await symlink(owner, lock);
    const time = new Date(Date.now() - age);
    await lutimes(lock, time, time);
    return lock;
  }

  test("a lock whose owner's process is gone is taken over at once", async () => {
    await store.set("c", "1");
    const lock = await plantLock("c", `${deadPid()}.${hostHash()}.x`, 0);
    expect(await store.increment("c")).toBe(2);
    await expect(lstat(lock)).rejects.toMatchObject({ code: "ENOENT" });
  });

  test(`a lock that cannot be checked (another host) is stale after ${STALE_LOCK_MS} ms`, async () => {
    await store.set("c", "1");
    const lock = await plantLock("c", "1.otherhost.x", 0);
    expect(await breakIfStale(lock, storage)).toBe(false);
    await lutimes(lock, new Date(Date.now() - STALE_LOCK_MS - 1_000), new Date(Date.now() - STALE_LOCK_MS - 1_000));
    expect(await breakIfStale(lock, storage)).toBe(true);
    expect(await store.increment("c")).toBe(2);
  });

  test("a live owner on this host keeps its lock however old; a reused PID does not", async () => {
    await store.set("c", "1");
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
    try {
      const pid = child.pid!;
      const started = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ")[19]!;
      const lock = await plantLock("c", `${pid}.${hostHash()}.${started}.x`, STALE_LOCK_MS * 100);
      expect(await breakIfStale(lock, storage)).toBe(false);
      await rm(lock);
      await plantLock("c", `${pid}.${hostHash()}.${Number(started) - 1}.x`, 0); // the PID's earlier owner
      expect(await breakIfStale(lock, storage)).toBe(true);
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("a lock of this very process that no operation holds (a failed release) is taken over", async () => {
    await store.set("c", "1");
    const started = (await readFile("/proc/self/stat", "utf8")).split(") ")[1]!.split(" ")[19]!;
    await plantLock("c", `${process.pid}.${hostHash()}.${started}.leaked`, 0);
    expect(await store.increment("c")).toBe(2);
  });

  test("a killed owner that its parent has not reaped yet (a zombie) holds nothing", async () => {
    await store.set("c", "1");
    // sh starts the owner in the background, prints its PID, then becomes `sleep`, which never
    // reaps it: once killed, the owner stays a zombie with its PID and start time.
    const parent = spawn("sh", ["-c", `"${process.execPath}" -e "setTimeout(() => {}, 60000)" & echo $!; exec sleep 60`], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString()))));
      const started = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ")[19]!;
      const lock = await plantLock("c", `${pid}.${hostHash()}.${started}.x`, 0);
      expect(await breakIfStale(lock, storage)).toBe(false);
      process.kill(pid, "SIGKILL");
      for (let i = 0; i < 500 && (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]![0] !== "Z"; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await store.increment("c")).toBe(2);
    } finally {
      parent.kill("SIGKILL");
    }
  });

  test("a process killed while freeing a stale lock leaves a breaker lock that is freed in turn", async () => {
    await store.set("c", "1");
    const lock = await plantLock("c", `${deadPid()}.${hostHash()}.x`, 0);
    await mkdir(join(`${lock}.break`, `${deadPid()}.${hostHash()}.y`), { recursive: true });
    expect(await store.increment("c")).toBe(2);
    // A breaker lock left with a dead owner and no lock to free: the sweep removes it.
    await mkdir(join(`${lock}.break`, `${deadPid()}.${hostHash()}.z`), { recursive: true });
    expect(await store.deleteExpired()).toBe(0);
    expect(await readdir(dirname(lock))).toEqual([basename(paths("c").path)]);
  });

  test("an entry left aside by a killed process is put back: read, incremented, deleted, swept", async () => {
    await store.set("c", "41", { expiresIn: "1h" });
    const { path, aside } = paths("c");
    await rename(path, aside); // killed between the move aside and the link
    await plantLock("c", `${deadPid()}.${hostHash()}.x`, 0);
    expect(text(await store.get("c"))).toBe("41");
    expect(await keysOf(store)).toEqual(["c"]);
    expect(await store.increment("c")).toBe(42);
    await expect(stat(aside)).rejects.toMatchObject({ code: "ENOENT" });

    await rename(path, aside);
    expect(await store.deleteExpired()).toBe(0);
    expect(text(await store.get("c"))).toBe("42"); // the sweep put it back
    await expect(stat(aside)).rejects.toMatchObject({ code: "ENOENT" });

    await rename(path, aside);
    await store.delete("c");
    expect(await store.get("c")).toBeNull();
    expect(await store.setIfAbsent("c", "new")).toBe(true);
  });
});

const storage = { root: "", durable: false, fileMode: 0o600, directoryMode: 0o700, modeChecked: false, chmodFiles: false, timesChecked: false };

/** This host's tag in lock owner names, as the store writes it. */
function hostHash(): string {
  return hostTag;
}
let hostTag = "";
beforeAll(async () => {
  // Read it off a real lock: hold one with a hook and look at its owner's name.
  const directory = await mkdtemp(join(tmpdir(), "stowage-file-host-"));
  try {
    const probe = new FileStore({ path: directory });
    await probe.set("c", "1");
    let owner = "";
    swapHooks.afterMoveAside = async (held) => {
      owner = await readlink(held.lock);
    };
    await probe.increment("c");
    hostTag = owner.split(".")[1]!;
  } finally {
    delete swapHooks.afterMoveAside;
    await rm(directory, { recursive: true, force: true });
  }
});

async function keysOf(target: FileStore): Promise<string[]> {
  const found: string[] = [];
  for await (const key of target.keys()) found.push(key);
  return found.sort();
}

test("the value get returns owns its memory", async () => {
  await store.set("a", "aaaa");
  await store.set("b", "bbbb");
  await store.set("empty", "");
  for (const key of ["a", "empty"]) {
    const value = (await store.get(key))!;
    expect(value.buffer.byteLength).toBe(value.byteLength);
    new Uint8Array(value.buffer).fill(0);
  }
  expect(text(await store.get("a"))).toBe("aaaa");
  expect(text(await store.get("b"))).toBe("bbbb");
  const source = Buffer.from("cccc");
  await store.set("c", source);
  source.fill(0);
  expect(text(await store.get("c"))).toBe("cccc");
});
