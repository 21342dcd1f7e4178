import { createHash } from "node:crypto";
import { readFileSync, readlinkSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, readlink, rename, rmdir, symlink, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { errorCode, makeDirectory, type Storage } from "./file-io.js";
import { TEMP_PREFIX, uniqueName } from "./layout.js";

/*
 * The lock of one entry, shared by every process on the host: a symbolic link `.lock-<hash>`
 * whose target names its owner (`<pid>.<host>.<start>.<unique>`: its PID, host and PID
 * namespace, and the time its process started; it points nowhere).
 *
 * - Taking it is one symlink() (which fails when the link exists), releasing it one unlink(): a
 *   lock costs two file-system calls, as cheap as a file can be made and removed.
 * - A stale lock (its owner was killed) is removed only by a process that first takes the
 *   lock's breaker lock, then checks again that the same dead owner holds it. The breaker lock
 *   is a directory `.lock-<hash>.break` holding one directory named after its owner, taken by
 *   renaming a prepared directory onto it (rename() fails on a directory that holds something)
 *   and freed by removing the owner directory by its exact name, so even two processes freeing
 *   a dead breaker at once never remove anything else. It is slower (directory operations), but
 *   only taken when a lock is stale.
 * - A lock is stale when its owner process is gone from this host: no process has its PID (in
 *   the same PID namespace), it is a zombie (killed, not yet reaped), or the process that has
 *   the PID now started at another time (the PID was reused); or when it is this very process's
 *   and no operation of it holds the lock. All are checked at once, so the lock of a killed
 *   process is taken over by the next process that wants it. A live owner on this host never
 *   loses its lock, however long it holds it. Only an owner that cannot be checked (another
 *   host or PID namespace, or no /proc) loses it once it is STALE_LOCK_MS old.
 *
 * Within one process, takers of one lock queue in memory first, so the process hands the lock
 * from one operation to the next without polling and only processes compete on the file system.
 */

/**
 * How long an owner that cannot be checked may hold a lock before anyone may take it over, in
 * ms. Holders keep it for one read-modify-write of one file (well under a millisecond unloaded).
 */
export const STALE_LOCK_MS = 10_000;

/** The longest pause between two tries of a held lock, in ms. */
const MAX_BACKOFF_MS = 16;

/** Suffix of an entry lock's breaker lock. */
const BREAK_SUFFIX = ".break";

/** This host and PID namespace: an owner of another one cannot be checked with signal 0. */
const HOST = (() => {
  let pidNamespace = "";
  try {
    pidNamespace = readlinkSync("/proc/self/ns/pid");
  } catch {
    // Not Linux: the host name alone names the PID space.
  }
  return createHash("sha256").update(`${hostname()}\0${pidNamespace}`).digest("hex").slice(0, 16);
})();

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces). */
const statFields = (stat: string): string[] => stat.slice(stat.lastIndexOf(")") + 2).split(" ");

/** When this process started (clock ticks since boot, from /proc), or "" where unknown. */
const START = (() => {
  try {
    return statFields(readFileSync("/proc/self/stat", "utf8"))[19] ?? "";
  } catch {
    return "";
  }
})();

/** A lock this process holds. */
export interface HeldLock {
  readonly path: string;
  readonly owner: string;
}

/**
 * What this process does with locks, shared by every copy of this module it loaded (the ESM and
 * the CommonJS build can both be loaded): the in-memory queue per lock, and the owners of the
 * locks it holds, so a lock of this very process that no operation holds (left by a failed
 * release) is known to be stale.
 */
const local: { queues: Map<string, Promise<unknown>>; held: Set<string> } = ((globalThis as Record<symbol, unknown>)[
  Symbol.for("@stowage/store-file:locks")
] ??= { queues: new Map(), held: new Set() }) as { queues: Map<string, Promise<unknown>>; held: Set<string> };
const { queues, held } = local;

/**
 * Runs `task` while holding the lock at `lockPath`, then releases it, whatever `task` did.
 *
 * @param create - whether to make the lock's directory when it is missing; when false, a missing
 *   directory rejects with `ENOENT`.
 * @throws the system error of a file-system failure (the caller wraps it).
 */
export async function withLock<T>(lockPath: string, storage: Storage, task: (lock: HeldLock) => Promise<T>, create = true): Promise<T> {
  const previous = queues.get(lockPath);
  const run = (previous ?? Promise.resolve()).then(async () => {
    const lock = await acquire(lockPath, storage, true, create);
    try {
      return await task(lock);
    } finally {
      await release(lock);
    }
  });
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(lockPath, settled);
  try {
    return await run;
  } finally {
    if (queues.get(lockPath) === settled) queues.delete(lockPath);
  }
}

/**
 * Takes the lock at `lockPath` if it is free (or stale), without waiting and without making
 * its directory.
 *
 * @returns the held lock, or null when another owner holds it (or this process is using it).
 */
export async function tryLock(lockPath: string, storage: Storage): Promise<HeldLock | null> {
  if (queues.has(lockPath)) return null;
  return acquire(lockPath, storage, false, false);
}

/**
 * Checks that `lock` is still this process's, before writing under it: a deleteAll that took
 * the lock's directory away (and a new directory in its place) takes the lock with it.
 *
 * @throws an error with code `ENOENT` when it is not: the caller starts again.
 */
export async function assertHeld(lock: HeldLock): Promise<void> {
  if ((await ownerOf(lock.path)) !== lock.owner) {
    throw Object.assign(new Error(`the lock ${lock.path} went away with its directory`), { code: "ENOENT" });
  }
}

/** Releases a lock taken with {@link tryLock}. */
export async function unlock(lock: HeldLock): Promise<void> {
  await release(lock);
}

const newOwner = () => `${process.pid}.${HOST}.${START}.${uniqueName("")}`;

async function acquire(lockPath: string, storage: Storage, wait: false, create: boolean): Promise<HeldLock | null>;
async function acquire(lockPath: string, storage: Storage, wait: true, create: boolean): Promise<HeldLock>;
async function acquire(lockPath: string, storage: Storage, wait: boolean, create: boolean): Promise<HeldLock | null> {
  const owner = newOwner();
  for (let attempt = 0; ; attempt++) {
    try {
      held.add(owner);
      await symlink(owner, lockPath);
      return { path: lockPath, owner };
    } catch (error) {
      held.delete(owner);
      const code = errorCode(error);
      if (code === "ENOENT" && create && attempt < 5) {
        // The fan-out directory is missing (never made, or removed by a deleteAll).
        await makeDirectory(dirname(lockPath), storage);
        continue;
      }
      if (code !== "EEXIST") throw error;
    }
    if (await breakIfStale(lockPath, storage)) continue;
    if (!wait) return null;
    await sleep(Math.min(2 ** Math.min(attempt, 4), MAX_BACKOFF_MS) * (0.5 + Math.random()));
  }
}

async function release(lock: HeldLock): Promise<void> {
  held.delete(lock.owner);
  await unlink(lock.path).catch((error: unknown) => {
    // A deleteAll took the lock away with its directory: it is not ours to release any more.
    if (errorCode(error) !== "ENOENT") throw error;
  });
}

/**
 * Frees the lock at `lockPath` when its owner is stale (see the top of this file).
 *
 * @returns whether the lock may be free now (it was stale, or released meanwhile).
 * @throws the system error of a failed step; `EINVAL` when something else than a lock is there.
 */
export async function breakIfStale(lockPath: string, storage: Storage): Promise<boolean> {
  const owner = await ownerOf(lockPath);
  if (owner === null) return true;
  if (!(await isStale(lockPath, owner))) return false;
  // Only a process holding the breaker lock removes a stale lock, after looking again.
  return withBreakerLock(`${lockPath}${BREAK_SUFFIX}`, storage, async () => {
    if ((await ownerOf(lockPath)) !== owner) return true;
    await unlink(lockPath).catch((error: unknown) => {
      if (errorCode(error) !== "ENOENT") throw error;
    });
    return true;
  });
}

async function ownerOf(lockPath: string): Promise<string | null> {
  try {
    return await readlink(lockPath);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw error;
  }
}

/** Whether `owner` of the lock or breaker lock at `path` is stale; `path` gives its age. */
async function isStale(path: string, owner: string): Promise<boolean> {
  const [pidText, host, start] = owner.split(".");
  const pid = Number(pidText);
  if (host === HOST && start) {
    if (!isAlive(pid)) return true;
    if (pid === process.pid) return start !== START || !held.has(owner);
    const fields = await readFile(`/proc/${pid}/stat`, "utf8").then(statFields, () => null);
    if (fields === null) {
      if (!isAlive(pid)) return true; // gone between the two looks; else /proc hides it: by age
    } else {
      // A zombie (killed, not yet reaped by its parent) holds nothing any more.
      if (fields[0] === "Z" || fields[0] === "X") return true;
      if (fields[19] !== undefined) return fields[19] !== start;
    }
  }
  try {
    return (await lstat(path)).mtimeMs < Date.now() - STALE_LOCK_MS;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return true;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
}

/** Runs `task` holding the breaker lock directory at `path` (waiting for it), then frees it. */
async function withBreakerLock<T>(path: string, storage: Storage, task: () => Promise<T>): Promise<T> {
  const owner = newOwner();
  held.add(owner);
  try {
    return await holdingBreakerLock(path, owner, storage, task);
  } finally {
    held.delete(owner);
  }
}

async function holdingBreakerLock<T>(path: string, owner: string, storage: Storage, task: () => Promise<T>): Promise<T> {
  const prepared = join(dirname(path), uniqueName(TEMP_PREFIX));
  await mkdir(prepared, { mode: storage.directoryMode });
  await mkdir(join(prepared, owner), { mode: 0o700 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(prepared, path);
        break;
      } catch (error) {
        if (errorCode(error) !== "ENOTEMPTY" && errorCode(error) !== "EEXIST") throw error;
      }
      if (!(await breakBreakerIfStale(path))) await sleep(Math.min(2 ** Math.min(attempt, 4), MAX_BACKOFF_MS));
    }
  } catch (error) {
    // Best effort: what is left is a stale `.tmp-` directory, which the sweep removes.
    await rmdir(join(prepared, owner)).catch(() => undefined);
    await rmdir(prepared).catch(() => undefined);
    throw error;
  }
  try {
    return await task();
  } finally {
    await rmdir(join(path, owner)).catch((error: unknown) => {
      if (errorCode(error) !== "ENOENT") throw error;
    });
    // The next breaker renamed onto it already, or it is gone.
    await removeBreakerDirectory(path);
  }
}

/**
 * Frees a breaker lock directory whose owner is stale, by removing that owner's directory by
 * its name (never another's). Also used by the sweep for breaker locks left by killed processes.
 *
 * @returns whether it may be free now.
 */
export async function breakBreakerIfStale(path: string): Promise<boolean> {
  let owners: string[];
  try {
    owners = await readdir(path);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return true;
    throw error;
  }
  for (const owner of owners) {
    const ownerPath = join(path, owner);
    if (!(await isStale(ownerPath, owner))) return false;
    await rmdir(ownerPath).catch((error: unknown) => {
      if (errorCode(error) !== "ENOENT") throw error;
    });
  }
  return true;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Removes a breaker lock directory unless another breaker took it meanwhile (ENOTEMPTY, EEXIST)
 * or it is already gone; any other failure rejects.
 */
export async function removeBreakerDirectory(path: string): Promise<void> {
  await rmdir(path).catch((error: unknown) => {
    if (!["ENOENT", "ENOTEMPTY", "EEXIST"].includes(errorCode(error) ?? "")) throw error;
  });
}
