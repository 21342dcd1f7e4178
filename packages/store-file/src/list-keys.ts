import { createHash } from "node:crypto";
import { opendir } from "node:fs/promises";
import type { Dir } from "node:fs";
import { join } from "node:path";
import { HEADER_SIZE, decodeHeader } from "./entry-format.js";
import { errorCode, expiryOf, readFully, withRegularFile } from "./file-io.js";
import { ASIDE_PREFIX, ENTRY_NAME, FAN_OUT_NAME, entryPathsIn } from "./layout.js";

/** Keys per batch, and entry files read at once. */
const BATCH = 64;
/** The first read of an entry file: its header and a key of up to this many bytes. */
const FIRST_READ = HEADER_SIZE + 1_024;

/**
 * The keys of the live entries of the namespace directory `directory`, in batches: its fan-out
 * directories are read with opendir (a few dozen names at a time, never a whole directory in one
 * list), and each entry file's key comes from its header. Child namespaces, temporary and
 * foreign files, invalid and expired entries are skipped. A key is yielded once: names are
 * remembered per fan-out directory (1/256 of the namespace) while it is read.
 *
 * @param failure - makes the error to reject with from a file-system error at a path.
 */
export async function* listKeys(directory: string, failure: (error: unknown, path: string) => Error): AsyncGenerator<string[]> {
  const top = await openDirectory(directory, failure);
  if (top === null) return;
  try {
    for (;;) {
      const child = await readNext(top, directory, failure);
      if (child === null) return;
      if (child.isDirectory() && FAN_OUT_NAME.test(child.name)) yield* listFanOut(join(directory, child.name), failure);
    }
  } finally {
    await top.close().catch(() => undefined);
  }
}

async function* listFanOut(directory: string, failure: (error: unknown, path: string) => Error): AsyncGenerator<string[]> {
  const dir = await openDirectory(directory, failure);
  if (dir === null) return;
  const seen = new Set<string>();
  const aside: string[] = [];
  let pending: string[] = [];
  try {
    for (;;) {
      const child = await readNext(dir, directory, failure);
      if (child !== null && child.isFile()) {
        if (ENTRY_NAME.test(child.name) && !seen.has(child.name)) {
          seen.add(child.name);
          pending.push(child.name);
        } else if (child.name.startsWith(ASIDE_PREFIX)) aside.push(child.name.slice(ASIDE_PREFIX.length));
      }
      if (pending.length === BATCH || (child === null && pending.length > 0)) {
        const keys = await readKeys(directory, pending, failure);
        pending = [];
        if (keys.length > 0) yield keys;
      }
      if (child === null) break;
    }
  } finally {
    await dir.close().catch(() => undefined);
  }
  // An entry a compare-and-swap held aside while the directory was read: it is there all along.
  const hidden = aside.filter((name) => ENTRY_NAME.test(name) && !seen.has(name));
  for (let start = 0; start < hidden.length; start += BATCH) {
    const keys: string[] = [];
    for (const name of hidden.slice(start, start + BATCH)) {
      const paths = entryPathsIn(directory, name);
      const key = (await readKey(paths.path, name, failure)) ?? (await readKey(paths.aside, name, failure));
      if (key !== null) keys.push(key);
    }
    if (keys.length > 0) yield keys;
  }
}

async function readKeys(directory: string, names: string[], failure: (error: unknown, path: string) => Error): Promise<string[]> {
  const keys = await Promise.all(names.map((name) => readKey(join(directory, name), name, failure)));
  return keys.filter((key): key is string => key !== null);
}

/** The key of the live entry in the file at `path` named `name`, or null for anything else. */
function readKey(path: string, name: string, failure: (error: unknown, path: string) => Error): Promise<string | null> {
  return withRegularFile(path, failure, async (handle, stats) => {
    const size = Number(stats.size);
    let bytes = await readFully(handle, Math.min(size, FIRST_READ));
    const header = decodeHeader(bytes, size);
    if (typeof header === "string") return null;
    if (header.expiresAt !== 0 && expiryOf(stats.mtimeNs) <= Date.now()) return null;
    if (HEADER_SIZE + header.keyLength > bytes.length) bytes = await readFully(handle, HEADER_SIZE + header.keyLength);
    const keyBytes = bytes.subarray(HEADER_SIZE, HEADER_SIZE + header.keyLength);
    // Only a file whose name is its key's hash is that key's entry (as `get` would read it).
    if (createHash("sha256").update(keyBytes).digest("hex") !== name) return null;
    const key = keyBytes.toString("utf8");
    return Buffer.from(key, "utf8").equals(keyBytes) ? key : null;
  });
}

async function openDirectory(path: string, failure: (error: unknown, path: string) => Error): Promise<Dir | null> {
  try {
    return await opendir(path, { bufferSize: BATCH });
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw failure(error, path);
  }
}

async function readNext(dir: Dir, path: string, failure: (error: unknown, path: string) => Error) {
  try {
    return await dir.read();
  } catch (error) {
    throw failure(error, path);
  }
}
