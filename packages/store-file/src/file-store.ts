import { rename, rm, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import {
  BaseStore,
  InvalidArgumentError,
  StoreCorruptionError,
  StoreUnavailableError,
  StowageError,
  addToCounter,
  decodeCounter,
  encodeCounter,
} from "@stowage/core";
import { encodeHeader } from "./entry-format.js";
import { InvalidEntryFile, isExpired, openEntry, type EntryFile } from "./entry-file.js";
import { assertHeld, withLock, type HeldLock } from "./entry-lock.js";
import { openForUpdate, replaceEntry } from "./entry-swap.js";
import { checkMode, errorCode, makeDirectory, syncDirectory, writeNewFile, type Storage } from "./file-io.js";
import { TEMP_PREFIX, TRASH_PREFIX, entryPaths, namespaceDirectory, rootDirectory, uniqueName, type EntryPaths } from "./layout.js";
import { listKeys } from "./list-keys.js";
import { sweep } from "./sweep.js";

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /**
   * The directory holding the store; created with its parents on the first write. The store
   * keeps everything in a `.stowage` directory inside it and touches nothing else there.
   */
  path: string;
  /** Fsync each written file and its directory before a write resolves. Default `false`. */
  durable?: boolean | undefined;
  /** Permissions of entry files, applied exactly (whatever the umask). Default `0o600`. */
  fileMode?: number | undefined;
  /** Permissions of the directories the store creates, applied exactly. Default `0o700`. */
  directoryMode?: number | undefined;
}

/** A write retries after creating its directory, which a concurrent deleteAll may remove again. */
const MAX_WRITE_ATTEMPTS = 5;

/**
 * A store keeping one file per entry under a directory: survives restarts, and any number of
 * processes on one host, each with its own `FileStore` on the same path, share it safely.
 *
 * Writes go to a temporary file that is renamed over the entry, so a reader, another process
 * or a crash never sees half a value. An entry's expiry lives in its file's modification time,
 * so `get(key, { renewFor })` renews it without rewriting the value. `increment` and
 * `setIfAbsent` are atomic across the processes of the host: they hold a lock file of the entry
 * (recovered within seconds when its holder is killed) and replace the entry by compare-and-swap.
 * Expired entries read as missing; {@link FileStore.deleteExpired} reclaims their files.
 * Namespaces are subdirectories. File-system failures reject with `StoreUnavailableError`, the
 * system error as its `cause`; a file that is not a valid entry rejects reads with
 * `StoreCorruptionError`.
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
    const root = resolve(options.path);
    this.#directory = rootDirectory(root);
    this.#storage = {
      root,
      durable: options.durable ?? false,
      fileMode: checkMode("fileMode", options.fileMode, 0o600),
      directoryMode: checkMode("directoryMode", options.directoryMode, 0o700),
      modeChecked: false,
      chmodFiles: false,
      timesChecked: false,
    };
  }

  /** The absolute path of the store's directory, as given (the same for every namespace view). */
  get path(): string {
    return this.#storage.root;
  }

  /**
   * Removes the expired entries of this namespace and its descendants (the whole tree on the
   * root store), and what crashed processes left behind: temporary files and directories and
   * half-deleted namespaces more than a minute old, stale locks, entries left aside. Files the
   * store did not create, and entry files that are not valid entries, are left alone. An entry
   * another process is working on at that moment is left for the next sweep.
   *
   * @returns how many entries were removed.
   * @throws StoreClosedError after `close()`.
   * @throws StoreUnavailableError when a directory of the store cannot be read or a file cannot
   *   be removed; the system error is the `cause`.
   */
  async deleteExpired(): Promise<number> {
    this.assertOpen("deleteExpired");
    return sweep(this.#directory, this.#storage, Date.now(), this.namespace.length === 0, (error, path) => this.#failure("deleteExpired", error, path));
  }

  protected createChild(name: string): FileStore {
    return new FileStore({ path: this.#storage.root }, { store: this, name });
  }

  protected async readEntry(key: string, renewMs: number | undefined): Promise<Uint8Array | null> {
    return this.#withEntry(key, "get", true, async (entry) => {
      if (renewMs !== undefined && entry.expiresAt !== 0) {
        // The renewal goes to the inode that was read: if another process has replaced or
        // deleted the entry meanwhile, it changes an unlinked file and nothing else.
        const renewed = (Date.now() + renewMs) / 1_000;
        await entry.handle.utimes(renewed, renewed);
      }
      return entry.value!;
    });
  }

  protected async writeEntry(key: string, value: Uint8Array, ttlMs: number | undefined): Promise<void> {
    const paths = entryPaths(this.#directory, key);
    const expiresAt = ttlMs === undefined ? 0 : Date.now() + ttlMs;
    const buffers = [encodeHeader(Buffer.from(key, "utf8"), expiresAt), value];
    // A concurrent deleteAll can remove the directory between the write and the rename.
    for (let attempt = 1; ; attempt++) {
      const temp = await this.#writeTemporary(paths, buffers, expiresAt, "set", true);
      try {
        await rename(temp, paths.path);
        if (this.#storage.durable) await syncDirectory(dirname(paths.path));
        return;
      } catch (error) {
        // Best effort: the write failed already and that is what we report; a leftover
        // temporary file is reclaimed by deleteExpired.
        await unlink(temp).catch(() => undefined);
        if (errorCode(error) !== "ENOENT" || attempt === MAX_WRITE_ATTEMPTS) throw this.#failure("set", error, paths.path);
      }
    }
  }

  protected incrementEntry(key: string, by: number, ttlMs: number | undefined): Promise<number> {
    return this.#update(key, "increment", (live, now) => {
      // Throws InvalidArgumentError for a value that is not a counter: nothing is written.
      const next = addToCounter(decodeCounter(live ? live.value! : null, key, this.description), by, key, this.description);
      // A live counter keeps its expiry to the millisecond; a new one gets `ttlMs`.
      const expiresAt = live ? live.expiresAt : ttlMs === undefined ? 0 : now + ttlMs;
      return { result: next, write: { value: encodeCounter(next), expiresAt } };
    });
  }

  protected async writeEntryIfAbsent(key: string, value: Uint8Array, ttlMs: number | undefined): Promise<boolean> {
    // A live entry answers at once, without the lock: it was there at the moment it was read.
    if ((await this.#withEntry(key, "setIfAbsent", false, () => true)) === true) return false;
    return this.#update(key, "setIfAbsent", (live, now) =>
      live ? { result: false } : { result: true, write: { value, expiresAt: ttlMs === undefined ? 0 : now + ttlMs } },
    );
  }

  protected async *listKeys(): AsyncGenerator<readonly string[]> {
    yield* listKeys(this.#directory, (error, path) => this.#failure("keys", error, path));
  }

  protected async deleteEntry(key: string): Promise<void> {
    const paths = entryPaths(this.#directory, key);
    // Under the entry's lock, so that no compare-and-swap can put back what this removes.
    try {
      await withLock(
        paths.lock,
        this.#storage,
        async () => {
          for (const path of [paths.path, paths.aside]) {
            await unlink(path).catch((error: unknown) => {
              if (errorCode(error) !== "ENOENT") throw error;
            });
          }
          if (this.#storage.durable) await syncDirectory(dirname(paths.path));
        },
        false,
      );
    } catch (error) {
      // No fan-out directory: there is no entry to delete.
      if (errorCode(error) !== "ENOENT") throw this.#failure("delete", error, paths.path);
    }
  }

  protected async deleteAllEntries(): Promise<void> {
    // One rename takes the whole namespace (the root namespace too) out of sight, then the
    // renamed tree is removed. Nothing outside the store's own directory is ever touched.
    const directory = this.#directory;
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

  protected async hasEntry(key: string): Promise<boolean> {
    return (await this.#withEntry(key, "exists", false, () => true)) ?? false;
  }

  protected async entryTtl(key: string): Promise<number | null> {
    return this.#withEntry(key, "expiresIn", false, (entry) => (entry.expiresAt === 0 ? null : entry.expiresAt - Date.now()));
  }

  /**
   * Opens and checks the live entry of `key` (and reads its value when `withValue`), then hands
   * it to `use` while the file is open. Resolves null when the entry is missing or expired.
   */
  async #withEntry<T>(key: string, operation: string, withValue: boolean, use: (entry: EntryFile) => T | Promise<T>): Promise<T | null> {
    const paths = entryPaths(this.#directory, key);
    const keyBytes = Buffer.from(key, "utf8");
    let path = paths.path;
    let entry: EntryFile | null;
    try {
      entry = await openEntry(path, keyBytes, withValue);
      if (entry === null) {
        // No entry file: a compare-and-swap may hold it aside for a moment (see entry-swap.ts),
        // or have put it back by now. Either way the entry was there all along.
        path = paths.aside;
        entry = await openEntry(path, keyBytes, withValue);
        if (entry === null) entry = await openEntry((path = paths.path), keyBytes, withValue);
      }
    } catch (error) {
      throw this.#wrap(operation, error, key, path);
    }
    if (entry === null) return null;
    try {
      if (isExpired(entry, Date.now())) return null;
      return await use(entry);
    } catch (error) {
      throw this.#wrap(operation, error, key, path);
    } finally {
      await entry.handle.close();
    }
  }

  /**
   * A read-modify-write of `key` under its lock: `decide` sees the live entry (null when missing
   * or expired) and returns the result, with what to write unless nothing is. Starts again when
   * a `set` replaced or created the entry between the read and the write.
   */
  async #update<T>(
    key: string,
    operation: string,
    decide: (live: EntryFile | null, now: number) => { result: T; write?: { value: Uint8Array; expiresAt: number } },
  ): Promise<T> {
    const paths = entryPaths(this.#directory, key);
    const keyBytes = Buffer.from(key, "utf8");
    return this.#locked(paths, key, operation, async (lock) => {
      for (;;) {
        const entry = await openForUpdate(paths, keyBytes);
        try {
          const now = Date.now();
          const { result, write } = decide(entry !== null && !isExpired(entry, now) ? entry : null, now);
          if (write === undefined) return result;
          const buffers = [encodeHeader(keyBytes, write.expiresAt), write.value];
          await assertHeld(lock);
          if (await this.#replaceLocked(paths, entry, buffers, write.expiresAt, operation)) return result;
        } finally {
          await entry?.handle.close();
        }
      }
    });
  }

  /**
   * For the holder of the entry's lock: writes a new entry file over `current` (the file that was
   * read, or null when there was none), unless a `set` replaced or created it since.
   *
   * @returns whether it was written.
   */
  async #replaceLocked(paths: EntryPaths, current: EntryFile | null, buffers: Uint8Array[], expiresAt: number, operation: string): Promise<boolean> {
    const temp = await this.#writeTemporary(paths, buffers, expiresAt, operation, false);
    try {
      const written = await replaceEntry(paths, current, temp);
      if (written && this.#storage.durable) await syncDirectory(dirname(paths.path));
      return written;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  /**
   * Writes a new temporary file beside the entry of `paths`, making its directory when missing
   * and `makeDirectories` (never under a lock: the lock went away with a removed directory).
   *
   * @returns its path.
   */
  async #writeTemporary(paths: EntryPaths, buffers: Uint8Array[], expiresAt: number, operation: string, makeDirectories: boolean): Promise<string> {
    const directory = dirname(paths.path);
    for (let attempt = 1; ; attempt++) {
      const temp = join(directory, uniqueName(TEMP_PREFIX));
      try {
        await writeNewFile(this.#storage, temp, buffers, expiresAt, this.description);
        return temp;
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        if (errorCode(error) !== "ENOENT" || !makeDirectories || attempt === MAX_WRITE_ATTEMPTS) {
          throw makeDirectories ? this.#failure(operation, error, temp) : error;
        }
        await makeDirectory(directory, this.#storage).catch((directoryError: unknown) => {
          throw this.#failure(operation, directoryError, directory);
        });
      }
    }
  }

  /**
   * Runs `task` holding the entry's lock. A concurrent deleteAll can take the directory, and the
   * lock with it, away meanwhile (the task then fails with ENOENT): it starts again.
   */
  async #locked<T>(paths: EntryPaths, key: string, operation: string, task: (lock: HeldLock) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withLock(paths.lock, this.#storage, task);
      } catch (error) {
        if (errorCode(error) !== "ENOENT" || attempt === MAX_WRITE_ATTEMPTS) throw this.#wrap(operation, error, key, paths.path);
      }
    }
  }

  /** Reports an invalid entry file as StoreCorruptionError, anything else as {@link FileStore.#failure}. */
  #wrap(operation: string, error: unknown, key: string, path: string): Error {
    if (error instanceof InvalidEntryFile) return new StoreCorruptionError({ reason: error.reason, key, path, store: this.description });
    return this.#failure(operation, error, path);
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
