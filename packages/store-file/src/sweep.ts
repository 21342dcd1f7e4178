import { link, lstat, open, rename, rm, unlink, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { HEADER_SIZE, decodeHeader } from "./entry-format.js";
import { READ_FLAGS, errorCode, expiryOf, listDirectory, readFully } from "./file-io.js";
import { ENTRY_NAME, FAN_OUT_NAME, NAMESPACE_NAME, TEMP_PREFIX, TRASH_PREFIX, uniqueName } from "./layout.js";

/** How long a temporary file or trash directory may sit before a sweep takes it for abandoned. */
const STALE_AFTER_MS = 60_000;

/** One sweep: its clock, and how a file-system error at a path becomes the error it rejects with. */
interface Pass {
  now: number;
  failure: (error: unknown, path: string) => Error;
}

/**
 * Removes the expired entries under the namespace directory `directory` and its child
 * namespaces, and the temporary files and trash directories left there more than a minute
 * before `now`. Names the store did not create, and entry files that are not valid entries,
 * are left alone; a missing directory holds nothing.
 *
 * @param failure - makes the error to reject with from a file-system error at a path.
 * @returns how many entries were removed.
 * @throws what `failure` makes of an error reading a directory or removing a file.
 */
export function sweep(directory: string, now: number, failure: Pass["failure"]): Promise<number> {
  return sweepNamespace(directory, { now, failure });
}

async function sweepNamespace(directory: string, pass: Pass): Promise<number> {
  let removed = 0;
  for (const child of await list(directory, pass)) {
    if (!child.isDirectory()) continue;
    const path = join(directory, child.name);
    if (FAN_OUT_NAME.test(child.name)) removed += await sweepFanOut(path, pass);
    else if (NAMESPACE_NAME.test(child.name)) removed += await sweepNamespace(path, pass);
    else if (child.name.startsWith(TRASH_PREFIX) && (await isStale(path, pass))) {
      await rm(path, { recursive: true, force: true }).catch((error: unknown) => {
        throw pass.failure(error, path);
      });
    }
  }
  return removed;
}

async function sweepFanOut(directory: string, pass: Pass): Promise<number> {
  let removed = 0;
  for (const child of await list(directory, pass)) {
    if (!child.isFile()) continue;
    const path = join(directory, child.name);
    if (ENTRY_NAME.test(child.name)) {
      if (await removeIfExpired(path, pass)) removed++;
    } else if (child.name.startsWith(TEMP_PREFIX) && (await isStale(path, pass))) {
      await unlink(path).catch((error: unknown) => {
        if (errorCode(error) !== "ENOENT") throw pass.failure(error, path);
      });
    }
  }
  return removed;
}

/**
 * Removes the entry file at `path` if it holds a valid entry that has expired, without ever
 * removing a newer entry that another process renames into place meanwhile: the file is
 * first renamed aside, and put back if it turns out not to be the expired one.
 */
async function removeIfExpired(path: string, { now, failure }: Pass): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw failure(error, path);
  }
  try {
    const stats = await handle.stat({ bigint: true });
    if (!stats.isFile() || expiryOf(stats.mtimeNs) > now) return false;
    const header = decodeHeader(await readFully(handle, HEADER_SIZE), Number(stats.size));
    if (typeof header === "string" || header.expiresAt === 0) return false; // invalid: left for inspection
    const taken = join(dirname(path), uniqueName(TEMP_PREFIX));
    try {
      await rename(path, taken);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return false;
      throw error;
    }
    const takenStats = await lstat(taken, { bigint: true });
    if (takenStats.ino === stats.ino && takenStats.dev === stats.dev && expiryOf(takenStats.mtimeNs) <= now) {
      await unlink(taken);
      return true;
    }
    // Replaced or renewed since it was checked: put it back, unless a newer write is there
    // (link fails then). Where hard links are not supported, a rename has to do.
    try {
      await link(taken, path);
      await unlink(taken);
    } catch (error) {
      if (errorCode(error) === "EEXIST") await unlink(taken);
      else await rename(taken, path);
    }
    return false;
  } catch (error) {
    throw failure(error, path);
  } finally {
    await handle.close();
  }
}

async function isStale(path: string, { now, failure }: Pass): Promise<boolean> {
  try {
    // ctime, not mtime: a temporary file's mtime may already hold its future expiry.
    return (await lstat(path)).ctimeMs < now - STALE_AFTER_MS;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw failure(error, path);
  }
}

async function list(directory: string, { failure }: Pass) {
  return listDirectory(directory).catch((error: unknown) => {
    throw failure(error, directory);
  });
}
