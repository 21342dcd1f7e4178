import { createHash } from "node:crypto";
import { link, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { InvalidArgumentError, StoreCorruptionError, StoreUnavailableError } from "@stowage/core";
import { encodeHeader } from "./entry-format.js";
import { FileStore, type FileStoreOptions } from "./index.js";
import { entryPath, namespaceDirectory, rootDirectory } from "./layout.js";

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), "stowage-file-"));
});
afterEach(async () => {
  jest.restoreAllMocks();
  await rm(scratch, { recursive: true, force: true });
});

const text = (value: Uint8Array | null) => (value === null ? null : Buffer.from(value).toString("utf8"));
const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every path under `directory`, relative to it, directories included. */
async function tree(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    found.push(relative(scratch, path));
    if (entry.isDirectory()) found.push(...(await tree(path)));
  }
  return found.sort();
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("layout", () => {
  test("an entry lives at .stowage/root/<fan-out>/<sha256 of the key>, a namespace in ns.<sha256 of the name>", async () => {
    const store = new FileStore({ path: join(scratch, "store") });
    await store.set("ключ/../x", "1");
    await store.withNamespace("sessions").withNamespace("a/b").set("k", "2");
    const keyHash = sha256("ключ/../x");
    const root = "store/.stowage/root";
    expect(await tree(scratch)).toEqual(
      [
        "store",
        "store/.stowage",
        root,
        `${root}/${keyHash.slice(0, 2)}`,
        `${root}/${keyHash.slice(0, 2)}/${keyHash}`,
        `${root}/ns.${sha256("sessions")}`,
        `${root}/ns.${sha256("sessions")}/ns.${sha256("a/b")}`,
        `${root}/ns.${sha256("sessions")}/ns.${sha256("a/b")}/${sha256("k").slice(0, 2)}`,
        `${root}/ns.${sha256("sessions")}/ns.${sha256("a/b")}/${sha256("k").slice(0, 2)}/${sha256("k")}`,
      ].sort(),
    );
    // The file holds the header, the full key, then the value.
    const bytes = await readFile(join(scratch, root, keyHash.slice(0, 2), keyHash));
    expect(bytes.subarray(0, 4).toString("latin1")).toBe("STWF");
    expect(bytes.subarray(20).toString("utf8")).toBe("ключ/../x1");
  });

  test("keys and namespace names cannot reach outside the store's directory", async () => {
    const path = join(scratch, "inside", "store");
    const store = new FileStore({ path });
    const hostile = ["..", "../..", "../../escaped", "/etc/passwd", "/", ".", "a/../../b", "\\..\\..", "ns.x", "00", ".tmp-1", "\0"];
    for (const name of hostile) {
      for (const key of hostile) {
        const view = store.withNamespace(name);
        await view.set(key, `${name}|${key}`);
        expect(text(await view.get(key))).toBe(`${name}|${key}`);
      }
      await store.set(name, name);
    }
    for (const key of hostile) expect(text(await store.get(key))).toBe(key);
    expect((await tree(scratch)).filter((path) => !path.startsWith(join("inside", "store")))).toEqual(["inside"]);
    await store.withNamespace("..").deleteAll();
    expect(text(await store.get(".."))).toBe("..");
  });

  test("reads never create directories; a missing store reads as empty", async () => {
    const store = new FileStore({ path: join(scratch, "missing") });
    expect(await store.get("k")).toBeNull();
    expect(await store.withNamespace("n").exists("k")).toBe(false);
    expect(await store.expiresIn("k")).toBeNull();
    await store.delete("k");
    await store.deleteAll();
    await store.withNamespace("n").deleteAll();
    expect(await store.deleteExpired()).toBe(0);
    expect(await readdir(scratch)).toEqual([]);
  });
});

describe("permissions", () => {
  test("files are 0600 and directories 0700 by default, parents included", async () => {
    const store = new FileStore({ path: join(scratch, "a", "b") });
    await store.withNamespace("n").set("k", "v");
    for (const path of await tree(scratch)) {
      const stats = await stat(join(scratch, path));
      expect([path, stats.mode & 0o777]).toEqual([path, stats.isDirectory() ? 0o700 : 0o600]);
    }
  });

  test("configured modes are applied exactly, whatever the umask", async () => {
    const previous = process.umask(0o077);
    try {
      const store = new FileStore({ path: join(scratch, "shared"), fileMode: 0o640, directoryMode: 0o750 });
      await store.set("a", "1");
      await store.withNamespace("n").set("b", "2", { expiresIn: "1h" });
      for (const path of await tree(scratch)) {
        const stats = await stat(join(scratch, path));
        expect([path, stats.mode & 0o777]).toEqual([path, stats.isDirectory() ? 0o750 : 0o640]);
      }
    } finally {
      process.umask(previous);
    }
  });

  test("every option takes an explicit undefined (this package type-checks with exactOptionalPropertyTypes)", async () => {
    const fromEnvironment: FileStoreOptions = { path: join(scratch, "env"), durable: undefined, fileMode: undefined, directoryMode: undefined };
    const store = new FileStore(fromEnvironment);
    await store.set("k", "v");
    expect((await stat(entryPath(rootDirectory(join(scratch, "env")), "k"))).mode & 0o777).toBe(0o600);
  });

  test("modes and paths are checked when the store is made", () => {
    for (const options of [
      { path: "" },
      { path: 42 },
      { path: "x", fileMode: 0o1777 },
      { path: "x", fileMode: 0o400 },
      { path: "x", directoryMode: 0o600 },
      { path: "x", fileMode: 1.5 },
      { path: "x", durable: "yes" },
    ]) {
      expect(() => new FileStore(options as never)).toThrow(InvalidArgumentError);
    }
    expect(() => new FileStore(undefined as never)).toThrow(InvalidArgumentError);
  });
});

describe("expiry and renewal", () => {
  test("the expiry is the file's modification time; renewal changes only that, in place", async () => {
    const store = new FileStore({ path: scratch });
    await store.set("k", "value", { expiresIn: "1h" });
    const path = entryPath(rootDirectory(scratch), "k");
    const before = await stat(path);
    expect(Math.abs(before.mtimeMs - (Date.now() + 3_600_000))).toBeLessThan(5_000);
    const contents = await readFile(path);

    expect(text(await store.get("k", { renewFor: "7d" }))).toBe("value");
    const after = await stat(path);
    expect(after.ino).toBe(before.ino); // same file: the value was not rewritten
    expect(await readFile(path)).toEqual(contents);
    expect(Math.abs(after.mtimeMs - (Date.now() + 7 * 86_400_000))).toBeLessThan(5_000);
    expect(await store.expiresIn("k")).toBeGreaterThan(7 * 86_400 - 5);

    // 250 ms works too (millisecond precision on this file system).
    await store.get("k", { renewFor: "250ms" });
    const left = (await store.expiresIn("k"))!;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(0.25);
  });

  test("an entry without expiry gets none from renewal, whatever its modification time", async () => {
    const store = new FileStore({ path: scratch });
    await store.set("k", "forever");
    await utimes(entryPath(rootDirectory(scratch), "k"), 1, 1); // as after a copy that kept no times
    expect(text(await store.get("k", { renewFor: "1s" }))).toBe("forever");
    expect(await store.expiresIn("k")).toBeNull();
    expect((await stat(entryPath(rootDirectory(scratch), "k"))).mtimeMs).toBe(1_000);
  });

  test("renewal of a file that another writer replaced leaves the newer entry alone", async () => {
    const store = new FileStore({ path: scratch });
    const other = new FileStore({ path: scratch });
    await store.set("k", "old", { expiresIn: "1h" });
    // Hold the old inode as a renewing reader would, then let another writer replace it.
    const held = join(scratch, "held");
    await link(entryPath(rootDirectory(scratch), "k"), held);
    await other.set("k", "new", { expiresIn: "10s" });
    expect(text(await store.get("k", { renewFor: "1d" }))).toBe("new");
    expect(await store.expiresIn("k")).toBeGreaterThan(86_000);
    // The renewal went to the current file only: the old inode kept its time.
    expect(Math.abs((await stat(held)).mtimeMs - (Date.now() + 3_600_000))).toBeLessThan(5_000);
  });

  test("expired entries read as missing everywhere and renewal does not resurrect them", async () => {
    const store = new FileStore({ path: scratch });
    // 100 ms to live, read after 200 ms: the margin covers a slow scheduler.
    await store.set("k", "v", { expiresIn: "100ms" });
    await sleep(200);
    expect(await store.get("k", { renewFor: "1h" })).toBeNull();
    expect(await store.exists("k")).toBe(false);
    expect(await store.expiresIn("k")).toBeNull();
    expect(await store.get("k")).toBeNull();
  });
});

describe("corrupt and foreign files", () => {
  async function plant(contents: Buffer | string): Promise<{ store: FileStore; path: string }> {
    const store = new FileStore({ path: scratch });
    await store.set("k", "v");
    const path = entryPath(rootDirectory(scratch), "k");
    await writeFile(path, contents);
    return { store, path };
  }
  const header = (key: string, expiresAt = 0) => encodeHeader(Buffer.from(key), expiresAt);

  test.each([
    ["an empty file", Buffer.alloc(0), "shorter than an entry header"],
    ["a truncated header", header("k").subarray(0, 10), "shorter than an entry header"],
    ["foreign bytes", "just some text that is long enough", "magic"],
    ["a future format version", Buffer.concat([header("k").subarray(0, 4), Buffer.from([9]), header("k").subarray(5)]), "version is 9"],
    ["a key length past the end", header("k").subarray(0, 20), "runs past the end"],
    ["a bad expiry", (() => { const bytes = header("k"); bytes.writeDoubleBE(Number.NaN, 8); return bytes; })(), "expiry field"],
    ["another key's entry", Buffer.concat([header("x"), Buffer.from("value")]), "another key"],
  ])("%s is reported with its path, never served", async (_, contents, reason) => {
    const { store, path } = await plant(contents as Buffer);
    for (const read of [() => store.get("k"), () => store.exists("k"), () => store.expiresIn("k"), () => store.get("k", { renewFor: "1s" })]) {
      const error = await rejection(read());
      expect(StoreCorruptionError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ path, key: "k", name: "StoreCorruptionError" });
      expect((error as Error).message).toContain(reason);
    }
    // The bad file stays for inspection until overwritten or deleted.
    expect(await store.deleteExpired()).toBe(0);
    await store.set("k", "fresh");
    expect(text(await store.get("k"))).toBe("fresh");
    await writeFile(path, contents as Buffer);
    await store.delete("k");
    expect(await store.get("k")).toBeNull();
  });

  test("a directory or a symbolic link where an entry file should be is reported", async () => {
    const store = new FileStore({ path: scratch });
    await store.set("a", "1");
    await store.set("b", "2");
    await rm(entryPath(rootDirectory(scratch), "a"));
    await mkdir(entryPath(rootDirectory(scratch), "a"));
    await rm(entryPath(rootDirectory(scratch), "b"));
    await symlink("/etc/hostname", entryPath(rootDirectory(scratch), "b"));
    for (const key of ["a", "b"]) expect(StoreCorruptionError.isInstance(await rejection(store.get(key)))).toBe(true);
    expect(await store.deleteExpired()).toBe(0);
  });

  test("foreign files and directories are left alone by every operation", async () => {
    const store = new FileStore({ path: scratch });
    await store.set("k", "v", { expiresIn: "100ms" });
    const fanOut = dirname(entryPath(rootDirectory(scratch), "k"));
    const foreign = [join(scratch, "README"), join(scratch, "ab"), join(fanOut, "notes.txt"), join(fanOut, "f".repeat(63))];
    for (const path of foreign) await writeFile(path, "not mine");
    await mkdir(join(scratch, "cache"));
    await mkdir(join(scratch, "ns.not-a-hash"));
    await mkdir(join(fanOut, "f".repeat(64))); // a directory with an entry's name
    await sleep(150);
    expect(await store.deleteExpired()).toBe(1);
    for (const path of foreign) expect(await readFile(path, "utf8")).toBe("not mine");
    expect(text(await store.get("f"))).toBeNull();
    // deleteAll on the root removes the directories the store made (with whatever they hold)
    // and leaves everything else in the user's directory.
    await store.deleteAll();
    expect((await readdir(scratch)).sort()).toEqual([".stowage", "README", "ab", "cache", "ns.not-a-hash"]);
  });
});

describe("deleteExpired", () => {
  test("walks nested namespaces, removes expired entries and stale temporary files, keeps the rest", async () => {
    const store = new FileStore({ path: scratch });
    const a = store.withNamespace("a");
    const ab = a.withNamespace("b");
    const other = store.withNamespace("other");
    for (const view of [store, a, ab, other]) {
      await view.set("soon", "x", { expiresIn: "30s" });
      await view.set("later", "x", { expiresIn: "1h" });
      await view.set("never", "x");
    }
    const fanOut = dirname(entryPath(namespaceDirectory(rootDirectory(scratch), "a"), "never"));
    const temp = join(fanOut, ".tmp-crashed-writer");
    await writeFile(temp, "half a value");
    await mkdir(join(scratch, ".stowage", ".trash-crashed-deleteAll", "00"), { recursive: true });
    await mkdir(join(namespaceDirectory(rootDirectory(scratch), "a"), ".trash-crashed-deleteAll", "00"), { recursive: true });
    await mkdir(join(scratch, ".trash-not-mine"));
    await writeFile(join(scratch, "foreign.txt"), "keep");

    // Nothing is due now: fresh temporary files may belong to writers still running.
    expect(await store.deleteExpired()).toBe(0);
    expect(await lstat(temp)).toBeTruthy();

    // Two minutes on: "soon" has expired and the leftovers are stale.
    const now = Date.now() + 120_000;
    jest.spyOn(Date, "now").mockReturnValue(now);
    expect(await a.deleteExpired()).toBe(2); // a namespace view sweeps its own subtree
    expect(await store.deleteExpired()).toBe(2);
    for (const view of [store, a, ab, other]) {
      expect(await view.exists("soon")).toBe(false);
      expect(await view.exists("later")).toBe(true);
      expect(await view.exists("never")).toBe(true);
    }
    await expect(lstat(temp)).rejects.toMatchObject({ code: "ENOENT" });
    expect((await readdir(scratch)).sort()).toEqual([".stowage", ".trash-not-mine", "foreign.txt"]);
    expect(await readdir(join(scratch, ".stowage"))).toEqual(["root"]);
    expect(await readdir(namespaceDirectory(rootDirectory(scratch), "a"))).not.toContain(".trash-crashed-deleteAll");
  });
  test("never removes an entry that is rewritten while it sweeps", async () => {
    const store = new FileStore({ path: scratch });
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    for (let round = 0; round < 15; round++) {
      await Promise.all(keys.map((key) => store.set(key, "old", { expiresIn: "1ms" })));
      await sleep(5);
      // The sweep and the rewrites run at once, interleaved through the I/O thread pool.
      await Promise.all([store.deleteExpired(), ...keys.map((key) => store.set(key, `new ${round}`))]);
      for (const key of keys) expect(text(await store.get(key))).toBe(`new ${round}`);
    }
  });
});

describe("deleteAll", () => {
  test("removes a namespace's subtree and nothing of its parent or siblings", async () => {
    const store = new FileStore({ path: scratch });
    const cache = store.withNamespace("cache");
    const cache2 = store.withNamespace("cache2");
    await store.set("k", "root");
    await cache.set("k", "cache");
    await cache.withNamespace("deep").set("k", "deep");
    await cache2.set("k", "cache2");
    await cache.deleteAll();
    expect(await cache.get("k")).toBeNull();
    expect(await cache.withNamespace("deep").get("k")).toBeNull();
    expect(text(await store.get("k"))).toBe("root");
    expect(text(await cache2.get("k"))).toBe("cache2");
    await cache.set("k", "again");
    expect(text(await cache.get("k"))).toBe("again");
    await store.deleteAll();
    expect(await cache2.get("k")).toBeNull();
    expect(await readdir(scratch)).toEqual([".stowage"]);
    expect(await readdir(join(scratch, ".stowage"))).toEqual([]);
  });

  test("deleteAll and deleteExpired on the root never touch the user's own files, whatever their names", async () => {
    // A folder that already holds the user's files: two-hex-digit directories, an `ns.` one,
    // and an entry laid out as the previous release did (directly under the folder).
    const foreign: Record<string, string> = {
      "de/messages.json": "{}",
      "fa/icon.svg": "<svg/>",
      "00/readme": "zero",
      [`ns.${sha256("x")}/notes`]: "notes",
      ".trash-mine/keep": "keep",
      [`${sha256("k").slice(0, 2)}/${sha256("k")}`]: Buffer.concat([encodeHeader(Buffer.from("k"), 0), Buffer.from("old")]).toString("latin1"),
    };
    for (const [path, contents] of Object.entries(foreign)) {
      await mkdir(dirname(join(scratch, path)), { recursive: true });
      await writeFile(join(scratch, path), contents, "latin1");
    }
    await mkdir(join(scratch, "ab"));
    const store = new FileStore({ path: scratch });
    // The previous release's entry is not this store's: it reads as missing.
    expect(await store.get("k")).toBeNull();
    await store.set("k", "new");
    await store.withNamespace("n").set("k", "v", { expiresIn: "1h" });
    expect(await store.deleteExpired()).toBe(0);
    await store.deleteAll();
    expect(await store.get("k")).toBeNull();
    expect(await store.withNamespace("n").get("k")).toBeNull();
    for (const [path, contents] of Object.entries(foreign)) expect(await readFile(join(scratch, path), "latin1")).toBe(contents);
    expect((await readdir(scratch)).sort()).toEqual([".stowage", ".trash-mine", "00", sha256("k").slice(0, 2), "ab", "de", "fa", `ns.${sha256("x")}`].sort());
    // The root's deleteAll is one rename of the store's root directory: nothing of it is left.
    expect(await readdir(join(scratch, ".stowage"))).toEqual([]);
  });

  test("writes racing a deleteAll each either land or are removed, and never fail", async () => {
    const store = new FileStore({ path: scratch });
    const view = store.withNamespace("busy");
    const writes = Array.from({ length: 200 }, (_, i) => view.set(`k${i}`, `v${i}`));
    const atomics = Array.from({ length: 50 }, (_, i) => [view.increment("counter"), view.setIfAbsent(`once${i % 5}`, "x"), view.delete(`k${i}`)]).flat();
    const clears = [view.deleteAll(), store.deleteAll(), view.deleteAll()];
    await Promise.all([...writes, ...atomics, ...clears]);
    expect(Number(text(await view.get("counter")) ?? "0")).toBeLessThanOrEqual(50);
    for (let i = 0; i < 200; i++) {
      const value = text(await view.get(`k${i}`));
      expect(value === null || value === `v${i}`).toBe(true);
    }
  });
});

describe("failed writes", () => {
  async function expectSystemFailure(promise: Promise<unknown>, codes: string[]): Promise<void> {
    const error = await rejection(promise);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    const cause = (error as Error).cause as NodeJS.ErrnoException;
    expect(codes).toContain(cause.code);
    expect((error as Error).message).toContain(cause.code!);
  }

  test("a regular file in the store's path rejects writes with the system error as cause", async () => {
    await writeFile(join(scratch, "file"), "");
    const store = new FileStore({ path: join(scratch, "file", "store") });
    await expectSystemFailure(store.set("k", "v"), ["ENOTDIR", "EEXIST"]);
    await expectSystemFailure(store.get("k"), ["ENOTDIR"]);
  });

  test("a file where a fan-out directory should be, or a directory where an entry should be", async () => {
    const store = new FileStore({ path: scratch });
    await mkdir(rootDirectory(scratch), { recursive: true });
    await writeFile(dirname(entryPath(rootDirectory(scratch), "k")), "in the way");
    await expectSystemFailure(store.set("k", "v"), ["ENOTDIR", "EEXIST"]);
    await store.set("other", "v");
    await rm(entryPath(rootDirectory(scratch), "other"));
    await mkdir(join(entryPath(rootDirectory(scratch), "other"), "child"), { recursive: true });
    await expectSystemFailure(store.set("other", "v"), ["EISDIR", "ENOTEMPTY", "EEXIST"]);
    // No temporary file is left behind by the failed write.
    expect(await readdir(dirname(entryPath(rootDirectory(scratch), "other")))).toEqual([sha256("other")]);
  });
});

describe("durable", () => {
  test("durable writes, deletes and deleteAll work the same", async () => {
    const store = new FileStore({ path: join(scratch, "d"), durable: true });
    await store.withNamespace("n").set("k", "v", { expiresIn: "1h" });
    expect(text(await store.withNamespace("n").get("k"))).toBe("v");
    await store.withNamespace("n").delete("k");
    await store.set("k", "v");
    await store.deleteAll();
    expect(await store.get("k")).toBeNull();
  });
});
