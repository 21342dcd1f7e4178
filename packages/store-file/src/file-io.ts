import { constants, type BigIntStats, type Dirent } from "node:fs";
import { chmod, mkdir, open, readdir, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { InvalidArgumentError, StoreConfigurationError } from "@stowage/core";

/*
 * The file-system steps FileStore and its expiry sweep are built from. They reject with the
 * system error as it is: the caller knows the operation and the store to name in the error
 * it wraps it in.
 */

/** What a root store and all of its namespace views share. */
export interface Storage {
  root: string;
  durable: boolean;
  fileMode: number;
  directoryMode: number;
  /** Whether a created file's mode has been compared with `fileMode` yet. */
  modeChecked: boolean;
  /** Whether the umask strips bits of `fileMode`, so every file needs a chmod. */
  chmodFiles: boolean;
  /** Whether the file system was seen to keep a millisecond modification time. */
  timesChecked: boolean;
}

/** 2038-01-19: file systems with 32-bit timestamps cannot hold an expiry past it. */
const TIMESTAMP_32_BIT_LIMIT_MS = 2 ** 31 * 1_000;

/**
 * Flags for opening an entry file to read: O_NOFOLLOW so a planted symbolic link cannot point a
 * read outside the store, O_NONBLOCK so a planted FIFO cannot hang it.
 */
export const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/** The `code` of a system error (`"ENOENT"`...), undefined for anything else. */
export const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/**
 * The permission bits `value` of the option `name`, or `fallback` when it is undefined.
 *
 * @throws InvalidArgumentError when `value` is not permission bits that keep the bits of `fallback`.
 */
export function checkMode(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const owner = fallback; // the owner bits the store itself needs
  if (!Number.isInteger(value) || value < 0 || value > 0o777 || (value & owner) !== owner) {
    throw new InvalidArgumentError({
      argument: name,
      value,
      expected: `permission bits between 0 and 0o777 that include 0o${owner.toString(8)} (the owner must keep access)`,
      store: "FileStore",
    });
  }
  return value;
}

/** The expiry a modification time stands for, in whole epoch milliseconds. */
export function expiryOf(mtimeNs: bigint): number {
  return Math.round(Number(mtimeNs / 1_000n) / 1_000);
}

/** The entries of a directory; none when it does not exist. */
export async function listDirectory(directory: string): Promise<Dirent[]> {
  try {
    return await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) === "ENOENT") return [];
    throw error;
  }
}

/**
 * Opens the regular file at `path` for reading (never through a symbolic link) and hands it to
 * `use`, closing it afterwards. For walks of the tree, where anything may be missing.
 *
 * @returns what `use` returns; null when nothing, a symbolic link or no regular file is there.
 * @throws what `failure` makes of a failed call.
 */
export async function withRegularFile<T>(
  path: string,
  failure: (error: unknown, path: string) => Error,
  use: (handle: FileHandle, stats: BigIntStats) => Promise<T | null>,
): Promise<T | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ELOOP") return null;
    throw failure(error, path);
  }
  try {
    const stats = await handle.stat({ bigint: true });
    return stats.isFile() ? await use(handle, stats) : null;
  } catch (error) {
    throw failure(error, path);
  } finally {
    await handle.close();
  }
}

/** Reads up to `length` bytes from the start of the file (fewer only if it is shorter). */
export async function readFully(handle: FileHandle, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  return buffer.subarray(0, await readAll(handle, [buffer]));
}

/**
 * Fills `buffers` one after the other from the start of the file, in one read when it can.
 *
 * @returns how many bytes were read (fewer than the buffers hold only if the file is shorter).
 */
export async function readAll(handle: FileHandle, buffers: Uint8Array[]): Promise<number> {
  const total = buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
  let filled = (await handle.readv(buffers, 0)).bytesRead;
  // A short read is rare (a file shrinking under us is replaced, never truncated): finish per buffer.
  let start = 0;
  for (const buffer of buffers) {
    const end = start + buffer.byteLength;
    while (filled < end && filled >= start) {
      const { bytesRead } = await handle.read(buffer, filled - start, end - filled, filled);
      if (bytesRead === 0) return filled;
      filled += bytesRead;
    }
    start = end;
  }
  return Math.min(filled, total);
}

/** Writes all of `buffers` from the start of the file. */
export async function writeAll(handle: FileHandle, buffers: Uint8Array[]): Promise<void> {
  const total = buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
  let written = (await handle.writev(buffers)).bytesWritten;
  if (written === total) return;
  // A short writev is rare; finishing from one copy keeps the offsets simple.
  const all = Buffer.concat(buffers);
  while (written < total) written += (await handle.write(all, written, total - written, written)).bytesWritten;
}

/** Fsyncs a directory, so the names created or removed in it survive a crash. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates `directory` and its missing parents with exactly the mode of `storage`. */
export async function makeDirectory(directory: string, storage: Storage): Promise<void> {
  const { directoryMode, durable } = storage;
  const first = await mkdir(directory, { recursive: true, mode: directoryMode });
  if (first === undefined) return;
  // mkdir's mode passes through the umask: set it exactly on each directory created.
  for (let current = directory; ; current = dirname(current)) {
    await chmod(current, directoryMode);
    if (durable) await syncDirectory(dirname(current));
    if (current === first || dirname(current) === current) break;
  }
}

/**
 * Creates `path` exclusively with the file mode of `storage` and writes `buffers` to it, with
 * the expiry (epoch ms, 0 for none) as its modification time.
 *
 * @param store - the store's description, for the error below.
 * @throws StoreConfigurationError when the file system does not keep the expiry to the millisecond.
 */
export async function writeNewFile(storage: Storage, path: string, buffers: Uint8Array[], expiresAt: number, store: string): Promise<void> {
  const handle = await open(path, "wx", storage.fileMode);
  try {
    await writeAll(handle, buffers);
    // After the last write, which would move the modification time again.
    if (expiresAt !== 0) await handle.utimes(expiresAt / 1_000, expiresAt / 1_000);
    const checkTimes = expiresAt !== 0 && (!storage.timesChecked || expiresAt >= TIMESTAMP_32_BIT_LIMIT_MS);
    if (!storage.modeChecked || checkTimes) {
      const stats = await handle.stat();
      if (!storage.modeChecked) {
        // open()'s mode passes through the umask; check once whether it strips any bit.
        storage.chmodFiles = (stats.mode & 0o777) !== storage.fileMode;
        storage.modeChecked = true;
      }
      if (checkTimes) checkStoredTime(storage, Math.round(stats.mtimeMs), expiresAt, store);
    }
    if (storage.chmodFiles) await handle.chmod(storage.fileMode);
    if (storage.durable) await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Expiry lives in modification times: refuse a file system that cannot hold them to the millisecond. */
function checkStoredTime(storage: Storage, stored: number, expiresAt: number, store: string): void {
  if (stored !== expiresAt) {
    throw new StoreConfigurationError(
      `the file system under ${storage.root} stored the expiry time ${expiresAt} ms as ${stored} ms; ` +
        "FileStore keeps expiry in modification times and needs a file system with millisecond timestamps " +
        "that reach past 2038 (ext4, xfs with bigtime, btrfs, tmpfs, apfs). Choose another path.",
      { store },
    );
  }
  // A whole-second expiry proves nothing about sub-second precision: check again next time.
  if (expiresAt % 1_000 !== 0) storage.timesChecked = true;
}
