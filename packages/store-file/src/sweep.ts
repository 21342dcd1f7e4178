import { lstat, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { HEADER_SIZE, decodeHeader } from "./entry-format.js";
import { breakBreakerIfStale, breakIfStale, removeBreakerDirectory, tryLock, unlock } from "./entry-lock.js";
import { restoreAside, swapEntry } from "./entry-swap.js";
import { errorCode, expiryOf, listDirectory, readFully, withRegularFile, type Storage } from "./file-io.js";
import { ASIDE_PREFIX, ENTRY_NAME, FAN_OUT_NAME, LOCK_PREFIX, NAMESPACE_NAME, TEMP_PREFIX, TRASH_PREFIX, entryPathsIn, type EntryPaths } from "./layout.js";

/** How long a temporary file or trash directory may sit before a sweep takes it for abandoned. */
const STALE_AFTER_MS = 60_000;

/** One sweep: its clock, the storage, and how a file-system error at a path becomes the error it rejects with. */
interface Pass {
  now: number;
  storage: Storage;
  failure: (error: unknown, path: string) => Error;
}

/**
 * Removes the expired entries under the namespace directory `directory` and its child
 * namespaces, and what crashed processes left there: temporary files and directories and trash
 * directories more than a minute before `now`, stale locks, entries left aside. Names the store
 * did not create, and entry files that are not valid entries, are left alone; a missing
 * directory holds nothing.
 *
 * @param isRoot - whether `directory` is the root namespace, whose deleteAll leaves its trash
 *   directories in the store's own directory (its parent), swept here too.
 * @param failure - makes the error to reject with from a file-system error at a path.
 * @returns how many entries were removed.
 * @throws what `failure` makes of an error reading a directory or removing a file.
 */
export async function sweep(directory: string, storage: Storage, now: number, isRoot: boolean, failure: Pass["failure"]): Promise<number> {
  const pass = { now, storage, failure };
  if (isRoot) await sweepTrash(dirname(directory), pass);
  return sweepNamespace(directory, pass);
}

async function sweepTrash(directory: string, pass: Pass): Promise<void> {
  for (const child of await list(directory, pass)) {
    const path = join(directory, child.name);
    if (child.isDirectory() && child.name.startsWith(TRASH_PREFIX) && (await isStale(path, pass))) await remove(path, pass);
  }
}

async function sweepNamespace(directory: string, pass: Pass): Promise<number> {
  let removed = 0;
  await sweepTrash(directory, pass);
  for (const child of await list(directory, pass)) {
    if (!child.isDirectory()) continue;
    const path = join(directory, child.name);
    if (FAN_OUT_NAME.test(child.name)) removed += await sweepFanOut(path, pass);
    else if (NAMESPACE_NAME.test(child.name)) removed += await sweepNamespace(path, pass);
  }
  return removed;
}

async function sweepFanOut(directory: string, pass: Pass): Promise<number> {
  let removed = 0;
  for (const child of await list(directory, pass)) {
    const { name } = child;
    const path = join(directory, name);
    if (child.isFile() && ENTRY_NAME.test(name)) {
      if (await removeIfExpired(entryPathsIn(directory, name), pass)) removed++;
    } else if (name.startsWith(TEMP_PREFIX) && (child.isFile() || child.isDirectory())) {
      if (await isStale(path, pass)) await remove(path, pass);
    } else if (child.isSymbolicLink() && name.startsWith(LOCK_PREFIX)) {
      // A lock whose owner was killed: free it (what it left aside is put back below).
      await guard(path, pass, () => breakIfStale(path, pass.storage));
    } else if (child.isDirectory() && name.startsWith(LOCK_PREFIX)) {
      // The breaker lock of a lock, left by a process killed while it freed a stale lock.
      await guard(path, pass, async () => {
        if (await breakBreakerIfStale(path)) await removeBreakerDirectory(path);
      });
    } else if (child.isFile() && name.startsWith(ASIDE_PREFIX) && ENTRY_NAME.test(name.slice(ASIDE_PREFIX.length))) {
      await underLock(entryPathsIn(directory, name.slice(ASIDE_PREFIX.length)), pass, (paths) => restoreAside(paths));
    }
  }
  return removed;
}

/**
 * Removes the entry file of `paths` if it holds a valid entry that has expired. The look is
 * taken without the lock; the removal holds the entry's lock and is a compare-and-swap (see
 * entry-swap.ts), so an entry that another process rewrites or renews meanwhile is never
 * removed, and a delete is never undone. An entry whose lock is busy is left for the next sweep.
 */
async function removeIfExpired(paths: EntryPaths, pass: Pass): Promise<boolean> {
  if ((await expiredFile(paths.path, pass)) === null) return false;
  const removed = await underLock(paths, pass, async () => {
    const expired = await expiredFile(paths.path, pass);
    // Unchanged since it was seen expired: not renewed, not rewritten in place.
    return expired !== null && swapEntry(paths, { ...expired, stillValid: (moved) => moved.mtimeNs === expired.mtimeNs }, null);
  });
  return removed === true;
}

/** The identity of the file at `path` if it holds a valid entry that has expired, else null. */
function expiredFile(path: string, { now, failure }: Pass): Promise<{ dev: bigint; ino: bigint; mtimeNs: bigint } | null> {
  return withRegularFile(path, failure, async (handle, stats) => {
    if (expiryOf(stats.mtimeNs) > now) return null;
    const header = decodeHeader(await readFully(handle, HEADER_SIZE), Number(stats.size));
    if (typeof header === "string" || header.expiresAt === 0) return null; // invalid: left for inspection
    return { dev: stats.dev, ino: stats.ino, mtimeNs: stats.mtimeNs };
  });
}

/** Runs `task` holding the entry's lock if it is free (or stale); null when it is busy or gone. */
async function underLock<T>(paths: EntryPaths, pass: Pass, task: (paths: EntryPaths) => Promise<T>): Promise<T | null> {
  const lock = await guard(paths.lock, pass, () => tryLock(paths.lock, pass.storage));
  if (lock === null) return null;
  try {
    return await guard(paths.path, pass, () => task(paths));
  } finally {
    await guard(paths.lock, pass, () => unlock(lock));
  }
}

/** `task`, with a missing file or directory (a concurrent deleteAll) taken as nothing to do. */
async function guard<T>(path: string, { failure }: Pass, task: () => Promise<T>): Promise<T | null> {
  try {
    return await task();
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw failure(error, path);
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

async function remove(path: string, { failure }: Pass): Promise<void> {
  await rm(path, { recursive: true, force: true }).catch((error: unknown) => {
    throw failure(error, path);
  });
}

async function list(directory: string, { failure }: Pass) {
  return listDirectory(directory).catch((error: unknown) => {
    throw failure(error, directory);
  });
}
