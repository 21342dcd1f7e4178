import { createHash } from "node:crypto";
import { readlinkSync } from "node:fs";
import { mkdir, readdir, rename, rmdir, stat, utimes } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { errorCode, makeDirectory, type Storage } from "./file-io.js";
import { TEMP_PREFIX, uniqueName } from "./layout.js";

/*
 * The lock of one entry, shared by every process on the host: a directory `.lock-<hash>` that
 * holds exactly one directory named after its owner (`<pid>.<host>.<unique>`).
 *
 * - Taking it: prepare `.tmp-<unique>/<owner>/`, then rename it to the lock's name. rename()
 *   replaces a missing or empty directory but fails on one that holds an owner, so exactly one
 *   process takes a free lock, and the lock has its owner from the first instant.
 * - Releasing it: remove the owner directory (the lock is free from then on), then the empty
 *   lock directory (which fails harmlessly when the next owner has already renamed onto it).
 * - A stale lock (its owner was killed): the owner directory is removed by its exact name, so
 *   two processes recovering the same stale lock never remove anything but that dead owner, never
 *   the lock a third process took since. A lock is stale when its owner process is gone from this
 *   host (checked with signal 0, in the same PID namespace), or in any case when its owner has
 *   held it for STALE_LOCK_MS: then a process that could not be checked (another host, another
 *   PID namespace, a reused PID) or that stopped for that long loses it.
 *
 * Within one process, takers of one lock queue in memory first, so the process hands the lock
 * from one operation to the next without polling and only processes compete on the file system.
 */

/**
 * How long an owner may hold a lock before anyone may take it over, in ms. Holders keep it for
 * one read-modify-write of one file (well under a millisecond unloaded), so this only matters
 * for an owner whose death cannot be checked, or that was stopped (SIGSTOP, a debugger).
 */
export const STALE_LOCK_MS = 10_000;

/** The longest pause between two tries of a held lock, in ms. */
const MAX_BACKOFF_MS = 16;

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

/** A lock this process holds. */
export interface HeldLock {
  readonly path: string;
  readonly owner: string;
}

/** Test hooks: none in production. */
export const lockHooks: { afterAcquire?: (lock: HeldLock) => Promise<void> | void } = {};

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `task` while holding the lock at `lockPath`, then releases it, whatever `task` did.
 *
 * @param create - whether to make the lock's directory when it is missing; when false, a missing
 *   directory rejects with `ENOENT`.
 * @throws the system error of a file-system failure (the caller wraps it).
 */
export async function withLock<T>(lockPath: string, storage: Storage, task: () => Promise<T>, create = true): Promise<T> {
  const previous = queues.get(lockPath);
  const run = (previous ?? Promise.resolve()).then(async () => {
    const lock = await acquire(lockPath, storage, true, create);
    try {
      return await task();
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
 * Takes the lock at `lockPath` if it is free or stale, without waiting.
 *
 * @returns the held lock, or null when another owner holds it (or this process is using it).
 */
export async function tryLock(lockPath: string, storage: Storage): Promise<HeldLock | null> {
  if (queues.has(lockPath)) return null;
  return acquire(lockPath, storage, false, false);
}

/** Releases a lock taken with {@link tryLock}. */
export async function unlock(lock: HeldLock): Promise<void> {
  await release(lock);
}

async function acquire(lockPath: string, storage: Storage, wait: false, create: boolean): Promise<HeldLock | null>;
async function acquire(lockPath: string, storage: Storage, wait: true, create: boolean): Promise<HeldLock>;
async function acquire(lockPath: string, storage: Storage, wait: boolean, create: boolean): Promise<HeldLock | null> {
  const directory = dirname(lockPath);
  const owner = `${process.pid}.${HOST}.${uniqueName("")}`;
  const prepared = join(directory, uniqueName(TEMP_PREFIX));
  await prepare(prepared, owner, storage, create);
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(prepared, lockPath);
      const lock = { path: lockPath, owner };
      await lockHooks.afterAcquire?.(lock);
      return lock;
    } catch (error) {
      const code = errorCode(error);
      if (code === "ENOENT") {
        // The fan-out directory went away with our prepared lock (deleteAll): start again.
        if (attempt > 5) throw error;
        await prepare(prepared, owner, storage, create);
        continue;
      }
      if (code !== "ENOTEMPTY" && code !== "EEXIST") {
        await removeQuietly(prepared, owner);
        throw error;
      }
    }
    if (await breakIfStale(lockPath)) continue;
    if (!wait) {
      await removeQuietly(prepared, owner);
      return null;
    }
    await sleep(Math.min(2 ** Math.min(attempt, 4), MAX_BACKOFF_MS) * (0.5 + Math.random()));
    // The age of a lock is its owner directory's modification time: ours starts when we take it.
    const now = new Date();
    await utimes(join(prepared, owner), now, now);
  }
}

async function prepare(prepared: string, owner: string, storage: Storage, create: boolean): Promise<void> {
  try {
    await mkdir(prepared, { mode: storage.directoryMode });
  } catch (error) {
    if (errorCode(error) !== "ENOENT" || !create) throw error;
    await makeDirectory(dirname(prepared), storage);
    await mkdir(prepared, { mode: storage.directoryMode });
  }
  await mkdir(join(prepared, owner), { mode: 0o700 });
}

async function release(lock: HeldLock): Promise<void> {
  try {
    await rmdir(join(lock.path, lock.owner));
  } catch (error) {
    // ENOENT: a deleteAll took the lock away with its directory, or the lock was taken over
    // as stale; either way it is no longer ours to release.
    if (errorCode(error) !== "ENOENT") throw error;
    return;
  }
  await rmdir(lock.path).catch((error: unknown) => {
    // The next owner renamed onto it already, or it is gone: both mean it is not ours.
    if (!["ENOENT", "ENOTEMPTY", "EEXIST"].includes(errorCode(error) ?? "")) throw error;
  });
}

/**
 * Frees the lock at `lockPath` when its owner is stale (see the top of this file).
 *
 * @returns whether the lock is free now (it was stale, or released meanwhile).
 */
export async function breakIfStale(lockPath: string): Promise<boolean> {
  let owners: string[];
  try {
    owners = await readdir(lockPath);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return true;
    throw error;
  }
  if (owners.length === 0) return true;
  for (const owner of owners) {
    if (!(await isStale(join(lockPath, owner), owner))) return false;
    await rmdir(join(lockPath, owner)).catch((error: unknown) => {
      if (errorCode(error) !== "ENOENT") throw error;
    });
  }
  return true;
}

async function isStale(ownerPath: string, owner: string): Promise<boolean> {
  const [pid, host] = owner.split(".");
  if (host === HOST && !isAlive(Number(pid))) return true;
  try {
    return (await stat(ownerPath)).mtimeMs < Date.now() - STALE_LOCK_MS;
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

async function removeQuietly(prepared: string, owner: string): Promise<void> {
  // Best effort: a leftover prepared lock is a stale `.tmp-` directory, which the sweep removes.
  await rmdir(join(prepared, owner)).catch(() => undefined);
  await rmdir(prepared).catch(() => undefined);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
