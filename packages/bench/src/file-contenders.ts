import { mkdir, mkdtemp, open, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore } from "@stowage/store-file";
import { createStorage } from "unstorage";
import fsLiteDriver from "unstorage/drivers/fs-lite";
import { closeAll, type BackendSuite, type Contender, type NamespaceView } from "./contender.js";
import { unstorageView } from "./memory-contenders.js";
import { stowageStore } from "./stowage-store.js";

const missingToNull = (error: NodeJS.ErrnoException): null => {
  if (error.code === "ENOENT") return null;
  throw error;
};

/**
 * The floor of the file backend: one file per key, written to a temporary name then renamed
 * over (atomic, like FileStore), and read with `readFile`. A namespace is a subdirectory, removed
 * with `rm -r`. Bench keys are plain names, so they need no encoding.
 */
function fileFloor(directory: string): Contender {
  let counter = 0;
  const created = new Set<string>();
  const write = async (folder: string, key: string, value: Uint8Array) => {
    if (!created.has(folder)) {
      await mkdir(folder, { recursive: true });
      created.add(folder);
    }
    const path = join(folder, key);
    const temporary = `${path}.${process.pid}.${counter++}.tmp`;
    await writeFile(temporary, value);
    await rename(temporary, path);
  };
  const read = (folder: string, key: string) => readFile(join(folder, key)).catch(missingToNull);
  /**
   * The raw lock-and-rewrite loop: take `<key>.lock` with O_EXCL (retrying while another holds
   * it), read the file, write the new one beside it and rename it over, remove the lock.
   */
  const locked = async <T>(key: string, update: (current: Buffer | null) => { write?: Uint8Array; result: T }): Promise<T> => {
    const folder = join(directory, "root");
    const lock = join(folder, `${key}.lock`);
    for (;;) {
      try {
        await (await open(lock, "wx")).close();
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") await mkdir(folder, { recursive: true });
        else if (code === "EEXIST") await new Promise((resolve) => setTimeout(resolve, 1));
        else throw error;
      }
    }
    try {
      const { write: next, result } = update(await read(folder, key));
      if (next !== undefined) await write(folder, key, next);
      return result;
    } finally {
      await unlink(lock);
    }
  };
  return {
    name: "writeFile + rename (floor)",
    role: "floor",
    notes: ["ignores expiry", "increment and setIfAbsent: an O_EXCL lock file per key, no recovery from a killed holder, a concurrent plain write not guarded"],
    set: (key, value) => write(join(directory, "root"), key, value),
    get: (key) => read(join(directory, "root"), key),
    atomic: {
      // The floor ignores expiry, as its set and get do.
      increment: (key) =>
        locked(key, (current) => {
        const next = Number(current?.toString("latin1") ?? "0") + 1;
        return { write: Buffer.from(String(next), "latin1"), result: next };
      }),
      setIfAbsent: (key, value) => locked(key, (current) => (current === null ? { write: value, result: true } : { result: false })),
    },
    namespace(name): NamespaceView {
      const folder = join(directory, "spaces", name);
      return {
        set: (key, value) => write(folder, key, value),
        get: (key) => read(folder, key),
        async deleteAll() {
          await rm(folder, { recursive: true, force: true });
          created.delete(folder);
        },
      };
    },
    close: async () => {},
  };
}

/** unstorage with its fs-lite driver, raw API; a namespace is a driver on a subdirectory. */
function unstorageFsLite(directory: string): Contender {
  const storages = new Map<string, ReturnType<typeof createStorage>>();
  const storageFor = (base: string) => {
    let storage = storages.get(base);
    if (!storage) storages.set(base, (storage = createStorage({ driver: fsLiteDriver({ base }) })));
    return storage;
  };
  const root = storageFor(join(directory, "root"));
  return {
    name: "unstorage (fs-lite)",
    role: "peer",
    notes: ["ignores expiry", "writes files in place (a reader can see half a value)"],
    set: (key, value) => root.setItemRaw(key, value),
    get: (key) => root.getItemRaw(key),
    namespace: (name) => unstorageView(storageFor(join(directory, "spaces", name))),
    close: () => closeAll([...storages.values()].map((storage) => ({ close: () => storage.dispose() }))),
  };
}

/**
 * The file suite, in a temporary directory of its own (removed on close): the floor, FileStore
 * (default options: not durable, like the floor) and unstorage's fs-lite driver.
 */
export async function fileSuite(): Promise<BackendSuite> {
  const directory = await mkdtemp(join(tmpdir(), "stowage-bench-"));
  let generation = 0;
  const make = (): Contender[] => {
    const base = join(directory, String(generation++));
    return [fileFloor(join(base, "floor")), stowageStore("FileStore", new FileStore({ path: join(base, "file-store") })), unstorageFsLite(join(base, "fs-lite"))];
  };
  let contenders = make();
  const removePrevious = async (before: number) => {
    for (let previous = 0; previous < before; previous++) await rm(join(directory, String(previous)), { recursive: true, force: true });
  };
  return {
    backend: "file",
    get contenders() { return contenders; },
    sampleEvery: 1,
    // Fresh directories per workload; the previous workload's files are removed.
    async reset() {
      await closeAll(contenders);
      const before = generation;
      contenders = make();
      await removePrevious(before);
    },
    async close() {
      try {
        await closeAll(contenders);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}
