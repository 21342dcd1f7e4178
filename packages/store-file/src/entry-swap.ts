import { link, lstat, rename, unlink } from "node:fs/promises";
import type { BigIntStats } from "node:fs";
import { openEntry, type EntryFile } from "./entry-file.js";
import { errorCode } from "./file-io.js";
import type { EntryPaths } from "./layout.js";

/*
 * Compare-and-swap of an entry file, for the holder of the entry's lock. The lock keeps every
 * other increment, setIfAbsent, delete and sweep of the entry away, but `set` takes no lock: it
 * renames its file over the entry at any moment. So "replace the file I checked" has to make sure
 * the file is still the one checked, and POSIX has no rename-if-unchanged. Instead:
 *
 *   1. rename the entry file to its aside name (atomic: whatever is there moves whole);
 *   2. compare what moved with the file that was checked (same inode, still valid);
 *   3a. the same: link the replacement in (link() never overwrites, so a `set` that landed
 *       meanwhile wins, as if it came after), and remove the aside file;
 *   3b. another file (a `set` landed between the check and step 1): put it back with link()
 *       (again never over a newer `set`), and report that nothing was swapped.
 *
 * While a file is aside its entry is still there: readers that find no entry file look at the
 * aside name before concluding the entry is missing (see FileStore's reads), and delete, which
 * could otherwise be undone by step 3b, takes the lock. A holder killed between steps 1 and 3
 * leaves the aside file behind; the next holder that finds no entry file puts it back
 * ({@link restoreAside}).
 */

/** What the file being replaced must still be: its identity, and a check of what moved. */
export interface Expected {
  dev: bigint;
  ino: bigint;
  /** Whether the file, as it is after the move, may still be replaced (still expired...). */
  stillValid?: (stats: BigIntStats) => boolean;
}

/** Test hooks around the move aside: none in production. */
export const swapHooks: {
  beforeMoveAside?: (paths: EntryPaths) => Promise<void> | void;
  afterMoveAside?: (paths: EntryPaths) => Promise<void> | void;
} = {};

/**
 * Replaces the entry file of `paths` with the file `replacement` (linked in, the caller removes
 * its own name), or removes it when `replacement` is null, if it still is `expected`.
 *
 * @returns true when swapped (a `set` that lands at the same moment may then sit over the
 *   replacement, which is fine: it came after); false when the entry file was no longer the one
 *   expected (it is left as it was) or was gone.
 * @throws the system error of a failed step.
 */
export async function swapEntry(paths: EntryPaths, expected: Expected, replacement: string | null): Promise<boolean> {
  await swapHooks.beforeMoveAside?.(paths);
  try {
    await rename(paths.path, paths.aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
  await swapHooks.afterMoveAside?.(paths);
  const moved = await lstat(paths.aside, { bigint: true });
  if (moved.ino !== expected.ino || moved.dev !== expected.dev || !(expected.stillValid?.(moved) ?? true)) {
    await restoreAside(paths);
    return false;
  }
  if (replacement !== null) {
    await link(replacement, paths.path).catch((error: unknown) => {
      if (errorCode(error) !== "EEXIST") throw error;
    });
  }
  await unlink(paths.aside);
  return true;
}

/**
 * Puts an entry file left at its aside name back, unless a newer entry file is in place; for
 * the lock's holder.
 *
 * @returns whether a file was put back.
 */
export async function restoreAside(paths: EntryPaths): Promise<boolean> {
  let restored = true;
  try {
    await link(paths.aside, paths.path);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT") return false;
    if (code !== "EEXIST") throw error;
    restored = false;
  }
  await unlink(paths.aside).catch((error: unknown) => {
    if (errorCode(error) !== "ENOENT") throw error;
  });
  return restored;
}

/**
 * For the holder of the entry's lock: opens the entry file (with its value), putting it back
 * first if a killed holder left it aside.
 *
 * @returns the open entry, or null when there is none.
 * @throws what {@link openEntry} throws.
 */
export async function openForUpdate(paths: EntryPaths, keyBytes: Buffer): Promise<EntryFile | null> {
  const entry = await openEntry(paths.path, keyBytes, true);
  if (entry !== null || !(await restoreAside(paths))) return entry;
  return openEntry(paths.path, keyBytes, true);
}

/**
 * For the holder of the entry's lock: links the written file `replacement` in place of
 * `current` (the entry file that was read, unchanged since: same inode and time), or creates the
 * entry with it when `current` is null. The caller removes its own name of `replacement`.
 *
 * @returns whether it was linked in; false when a `set` replaced or created the entry since.
 * @throws the system error of a failed step.
 */
export async function replaceEntry(paths: EntryPaths, current: EntryFile | null, replacement: string): Promise<boolean> {
  if (current !== null) {
    const { dev, ino, mtimeNs } = current.stats;
    return swapEntry(paths, { dev, ino, stillValid: (moved) => moved.mtimeNs === mtimeNs }, replacement);
  }
  try {
    // link() never overwrites: a `set` that created the entry meanwhile is kept.
    await link(replacement, paths.path);
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  }
}
