import { constants } from "node:fs";
import { chmod, link, lstat, mkdir, open, readdir, rename, rm, unlink, type FileHandle } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import {
  BaseStore,
  InvalidArgumentError,
  StoreConfigurationError,
  StoreCorruptionError,
  StoreUnavailableError,
  StowageError,
} from "@stowage/core";
import { HEADER_SIZE, decodeHeader, encodeHeader, type EntryHeader } from "./entry-format.js";
import { ENTRY_NAME, FAN_OUT_NAME, NAMESPACE_NAME, TEMP_PREFIX, TRASH_PREFIX, entryPath, namespaceDirectory, uniqueName } from "./layout.js";

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /** The directory holding the store; created with its parents on the first write. */
  path: string;
  /** Fsync each written file and its directory before a write resolves. Default `false`. */
  durable?: boolean;
  /** Permissions of entry files, applied exactly (whatever the umask). Default `0o600`. */
  fileMode?: number;
  /** Permissions of the directories the store creates, applied exactly. Default `0o700`. */
  directoryMode?: number;
}

/** What a root store and all of its namespace views share. */
interface Storage {
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

/** An entry file that was opened and checked. */
interface OpenEntry {
  handle: FileHandle;
  bytes: Buffer;
  header: EntryHeader;
  /** The current expiry (the file's modification time), epoch ms; 0 when none. */
  expiresAt: number;
}

const STALE_AFTER_MS = 60_000;
/** A write retries after creating its directory, which a concurrent deleteAll may remove again. */
const MAX_WRITE_ATTEMPTS = 5;
/** 2038-01-19: file systems with 32-bit timestamps cannot hold an expiry past it. */
const TIMESTAMP_32_BIT_LIMIT_MS = 2 ** 31 * 1_000;
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/**
 * A store keeping one file per entry under a directory: survives restarts, and any number of
 * processes on one host, each with its own `FileStore` on the same path, share it safely.
 *
 * Writes go to a temporary file that is renamed over the entry, so a reader, another process
 * or a crash never sees half a value. An entry's expiry lives in its file's modification time,
 * so `get(key, { renewFor })` renews it without rewriting the value. Expired entries read as
 * missing; {@link FileStore.deleteExpired} reclaims their files. Namespaces are
 * subdirectories. File-system failures reject with `StoreUnavailableError`, the system error as
 * its `cause`; a file that is not a valid entry rejects reads with `StoreCorruptionError`.
 */
export class FileStore extends BaseStore {
  protected readonly kind = "FileStore";
  /** Every write has finished with the caller's bytes before it settles, so `set` need not copy them. */
  protected override readonly copiesValues = false;
  readonly #storage: Storage;
  readonly #directory: string;

  /**
   * @param options - where and how to store; see {@link FileStoreOptions}. Nothing is touched
   *   on disk until the first operation.
   * @param parent - internal: how `withNamespace` makes a view. Applications leave it out.
   * @throws InvalidArgumentError when `path` is not a non-empty string, `durable` not a boolean,
   *   or a mode not a permission number that lets the owner read and write.
   */
  constructor(options: FileStoreOptions, parent?: { store: FileStore; name: string }) {
    super(parent);
    if (parent) {
      this.#storage = parent.store.#storage;
      this.#directory = namespaceDirectory(parent.store.#directory, parent.name);
      return;
    }
    if (typeof options !== "object" || options === null) {
      throw new InvalidArgumentError({ argument: "options", value: options, expected: "an object such as { path: \"./cache\" }", store: this.kind });
    }
    if (typeof options.path !== "string" || options.path === "" || options.path.includes("\0")) {
      throw new InvalidArgumentError({ argument: "path", value: options.path, expected: "a non-empty directory path", store: this.kind });
    }
    if (options.durable !== undefined && typeof options.durable !== "boolean") {
      throw new InvalidArgumentError({ argument: "durable", value: options.durable, expected: "true, false or undefined", store: this.kind });
    }
    this.#directory = resolve(options.path);
    this.#storage = {
      root: this.#directory,
      durable: options.durable ?? false,
      fileMode: checkMode("fileMode", options.fileMode, 0o600),
      directoryMode: checkMode("directoryMode", options.directoryMode, 0o700),
      modeChecked: false,
      chmodFiles: false,
      timesChecked: false,
    };
  }

  /** The absolute path of the store's root directory (the same for every namespace view). */
  get path(): string {
    return this.#storage.root;
  }

  /**
   * Removes the expired entries of this namespace and its descendants (the whole tree on the
   * root store), and temporary files and directories that crashed writers or `deleteAll`s left
   * behind more than a minute ago. Files and directories the store did not create, and entry
   * files that are not valid entries, are left alone.
   *
   * @returns how many entries were removed.
   * @throws StoreClosedError after `close()`.
   * @throws StoreUnavailableError when a directory of the store cannot be read or a file cannot
   *   be removed; the system error is the `cause`.
   */
  async deleteExpired(): Promise<number> {
    this.assertOpen("deleteExpired");
    return this.#sweepNamespace(this.#directory, Date.now());
  }

  protected createChild(name: string): FileStore {
    return new FileStore({ path: this.#storage.root }, { store: this, name });
  }

  protected async readEntry(key: string, renewMs: number | undefined): Promise<Uint8Array | null> {
    return this.#withEntry(key, "get", true, async (entry) => {
      if (renewMs !== undefined && entry.expiresAt !== 0) {
        // The renewal goes to the inode that was read: if another process has replaced or
        // deleted the entry meanwhile, it changes an unlinked file and nothing else.
        const now = Date.now();
        if (entry.expiresAt <= now) return null;
        const renewed = (now + renewMs) / 1_000;
        await entry.handle.utimes(renewed, renewed);
      }
      return entry.bytes.subarray(HEADER_SIZE + entry.header.keyLength);
    });
  }

  protected async writeEntry(key: string, value: Uint8Array, ttlMs: number | undefined): Promise<void> {
    const path = entryPath(this.#directory, key);
    const directory = dirname(path);
    const expiresAt = ttlMs === undefined ? 0 : Date.now() + ttlMs;
    const header = encodeHeader(Buffer.from(key, "utf8"), expiresAt);
    // Try the write first and create directories only when missing: the common case costs no
    // mkdir. A concurrent deleteAll can remove the directory under us, hence the retries.
    for (let attempt = 1; ; attempt++) {
      const temp = join(directory, uniqueName(TEMP_PREFIX));
      try {
        await this.#writeFile(temp, [header, value], expiresAt);
        await rename(temp, path);
        if (this.#storage.durable) await syncDirectory(directory);
        return;
      } catch (error) {
        // Best effort: the write failed already and that is what we report; a leftover
        // temporary file is reclaimed by deleteExpired.
        await unlink(temp).catch(() => undefined);
        if (errorCode(error) !== "ENOENT" || attempt === MAX_WRITE_ATTEMPTS) throw this.#failure("set", error, path);
        await this.#makeDirectory(directory, "set");
      }
    }
  }

  protected async deleteEntry(key: string): Promise<void> {
    const path = entryPath(this.#directory, key);
    try {
      await unlink(path);
      if (this.#storage.durable) await syncDirectory(dirname(path));
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw this.#failure("delete", error, path);
    }
  }

  protected async deleteAllEntries(): Promise<void> {
    if (this.namespace.length > 0) return this.#discard(this.#directory);
    // The root directory itself is the user's: move aside only what the store created in it.
    for (const child of await this.#list(this.#directory, "deleteAll")) {
      if (child.isDirectory() && (FAN_OUT_NAME.test(child.name) || NAMESPACE_NAME.test(child.name))) {
        await this.#discard(join(this.#directory, child.name));
      }
    }
  }

  protected async hasEntry(key: string): Promise<boolean> {
    return (await this.#withEntry(key, "exists", false, () => true)) ?? false;
  }

  protected async entryTtl(key: string): Promise<number | null> {
    return this.#withEntry(key, "expiresIn", false, (entry) => (entry.expiresAt === 0 ? null : entry.expiresAt - Date.now()));
  }

  /**
   * Opens and checks the entry file of `key` (its header and key, and the value when
   * `wholeFile`), then hands it to `use` while the file is open. Resolves null when the entry
   * is missing or expired.
   */
  async #withEntry<T>(key: string, operation: string, wholeFile: boolean, use: (entry: OpenEntry) => T | Promise<T>): Promise<T | null> {
    const path = entryPath(this.#directory, key);
    let handle: FileHandle;
    try {
      handle = await open(path, READ_FLAGS);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return null;
      if (errorCode(error) === "ELOOP") throw this.#corruption("it is a symbolic link, not an entry file", key, path);
      throw this.#failure(operation, error, path);
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw this.#corruption("it is not a regular file", key, path);
      const keyBytes = Buffer.from(key, "utf8");
      const bytes = await readFully(handle, wholeFile ? stats.size : Math.min(stats.size, HEADER_SIZE + keyBytes.length));
      const header = decodeHeader(bytes, stats.size);
      if (typeof header === "string") throw this.#corruption(header, key, path);
      if (header.keyLength !== keyBytes.length || !keyBytes.equals(bytes.subarray(HEADER_SIZE, HEADER_SIZE + header.keyLength))) {
        throw this.#corruption("it holds the entry of another key", key, path);
      }
      const expiresAt = header.expiresAt === 0 ? 0 : Math.round(stats.mtimeMs);
      if (expiresAt !== 0 && expiresAt <= Date.now()) return null;
      return await use({ handle, bytes, header, expiresAt });
    } catch (error) {
      throw this.#failure(operation, error, path);
    } finally {
      await handle.close();
    }
  }

  /** Creates `path` exclusively and writes `buffers` to it, with the expiry as its modification time. */
  async #writeFile(path: string, buffers: Uint8Array[], expiresAt: number): Promise<void> {
    const storage = this.#storage;
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
        if (checkTimes) this.#checkTimes(Math.round(stats.mtimeMs), expiresAt);
      }
      if (storage.chmodFiles) await handle.chmod(storage.fileMode);
      if (storage.durable) await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Expiry lives in modification times: refuse a file system that cannot hold them to the millisecond. */
  #checkTimes(stored: number, expiresAt: number): void {
    if (stored !== expiresAt) {
      throw new StoreConfigurationError(
        `the file system under ${this.#storage.root} stored the expiry time ${expiresAt} ms as ${stored} ms; ` +
          "FileStore keeps expiry in modification times and needs a file system with millisecond timestamps " +
          "that reach past 2038 (ext4, xfs with bigtime, btrfs, tmpfs, apfs). Choose another path.",
        { store: this.description },
      );
    }
    // A whole-second expiry proves nothing about sub-second precision: check again next time.
    if (expiresAt % 1_000 !== 0) this.#storage.timesChecked = true;
  }

  /** Creates `directory` and its missing parents with exactly the configured mode. */
  async #makeDirectory(directory: string, operation: string): Promise<void> {
    const { directoryMode, durable } = this.#storage;
    try {
      const first = await mkdir(directory, { recursive: true, mode: directoryMode });
      if (first === undefined) return;
      // mkdir's mode passes through the umask: set it exactly on each directory created.
      for (let current = directory; ; current = dirname(current)) {
        await chmod(current, directoryMode);
        if (durable) await syncDirectory(dirname(current));
        if (current === first || dirname(current) === current) break;
      }
    } catch (error) {
      throw this.#failure(operation, error, directory);
    }
  }

  /** Removes a namespace directory: renamed aside first, so concurrent writers see it gone at once. */
  async #discard(directory: string): Promise<void> {
    const trash = join(dirname(directory), uniqueName(TRASH_PREFIX));
    try {
      await rename(directory, trash);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return;
      throw this.#failure("deleteAll", error, directory);
    }
    try {
      if (this.#storage.durable) await syncDirectory(dirname(directory));
      await rm(trash, { recursive: true, force: true });
    } catch (error) {
      throw this.#failure("deleteAll", error, trash);
    }
  }

  async #sweepNamespace(directory: string, now: number): Promise<number> {
    let removed = 0;
    for (const child of await this.#list(directory, "deleteExpired")) {
      if (!child.isDirectory()) continue;
      const path = join(directory, child.name);
      if (FAN_OUT_NAME.test(child.name)) removed += await this.#sweepFanOut(path, now);
      else if (NAMESPACE_NAME.test(child.name)) removed += await this.#sweepNamespace(path, now);
      else if (child.name.startsWith(TRASH_PREFIX) && (await this.#isStale(path, now))) {
        await rm(path, { recursive: true, force: true }).catch((error: unknown) => {
          throw this.#failure("deleteExpired", error, path);
        });
      }
    }
    return removed;
  }

  async #sweepFanOut(directory: string, now: number): Promise<number> {
    let removed = 0;
    for (const child of await this.#list(directory, "deleteExpired")) {
      if (!child.isFile()) continue;
      const path = join(directory, child.name);
      if (ENTRY_NAME.test(child.name)) {
        if (await this.#removeIfExpired(path, now)) removed++;
      } else if (child.name.startsWith(TEMP_PREFIX) && (await this.#isStale(path, now))) {
        await unlink(path).catch((error: unknown) => {
          if (errorCode(error) !== "ENOENT") throw this.#failure("deleteExpired", error, path);
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
  async #removeIfExpired(path: string, now: number): Promise<boolean> {
    let handle: FileHandle;
    try {
      handle = await open(path, READ_FLAGS);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return false;
      throw this.#failure("deleteExpired", error, path);
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
      throw this.#failure("deleteExpired", error, path);
    } finally {
      await handle.close();
    }
  }

  async #isStale(path: string, now: number): Promise<boolean> {
    try {
      // ctime, not mtime: a temporary file's mtime may already hold its future expiry.
      return (await lstat(path)).ctimeMs < now - STALE_AFTER_MS;
    } catch (error) {
      if (errorCode(error) === "ENOENT") return false;
      throw this.#failure("deleteExpired", error, path);
    }
  }

  /** The entries of a directory; none when it does not exist. */
  async #list(directory: string, operation: string) {
    try {
      return await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === "ENOENT") return [];
      throw this.#failure(operation, error, directory);
    }
  }

  #corruption(reason: string, key: string, path: string): StoreCorruptionError {
    return new StoreCorruptionError({ reason, key, path, store: this.description });
  }

  /** A Stowage error as is; anything else (a system error) wrapped as its cause. */
  #failure(operation: string, error: unknown, path: string): Error {
    if (StowageError.isInstance(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError({
      operation,
      reason: `file system error at ${path}: ${message}`,
      hint: "Check that the directory exists, is writable by this process, and that the disk has space.",
      cause: error,
      store: this.description,
    });
  }
}

function checkMode(name: string, value: number | undefined, fallback: number): number {
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
function expiryOf(mtimeNs: bigint): number {
  return Math.round(Number(mtimeNs / 1_000n) / 1_000);
}

/** Reads up to `length` bytes from the start of the file (fewer only if it is shorter). */
async function readFully(handle: FileHandle, length: number): Promise<Buffer> {
  // Unpooled, so the array handed to the caller shares memory with nothing else.
  const buffer = Buffer.allocUnsafeSlow(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, filled);
    if (bytesRead === 0) return buffer.subarray(0, filled);
    filled += bytesRead;
  }
  return buffer;
}

async function writeAll(handle: FileHandle, buffers: Uint8Array[]): Promise<void> {
  const total = buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
  let written = (await handle.writev(buffers)).bytesWritten;
  if (written === total) return;
  const all = Buffer.concat(buffers);
  while (written < total) written += (await handle.write(all, written, total - written, written)).bytesWritten;
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
