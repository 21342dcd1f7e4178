import { open, rename, rm, unlink, type FileHandle } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { BaseStore, InvalidArgumentError, StoreCorruptionError, StoreUnavailableError, StowageError } from "@stowage/core";
import { HEADER_SIZE, decodeHeader, encodeHeader, type EntryHeader } from "./entry-format.js";
import { READ_FLAGS, checkMode, errorCode, listDirectory, makeDirectory, readFully, syncDirectory, writeNewFile, type Storage } from "./file-io.js";
import { FAN_OUT_NAME, NAMESPACE_NAME, TEMP_PREFIX, TRASH_PREFIX, entryPath, namespaceDirectory, uniqueName } from "./layout.js";
import { sweep } from "./sweep.js";

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

/** An entry file that was opened and checked. */
interface OpenEntry {
  handle: FileHandle;
  bytes: Buffer;
  header: EntryHeader;
  /** The current expiry (the file's modification time), epoch ms; 0 when none. */
  expiresAt: number;
}

/** A write retries after creating its directory, which a concurrent deleteAll may remove again. */
const MAX_WRITE_ATTEMPTS = 5;

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
    return sweep(this.#directory, Date.now(), (error, path) => this.#failure("deleteExpired", error, path));
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
        await writeNewFile(this.#storage, temp, [header, value], expiresAt, this.description);
        await rename(temp, path);
        if (this.#storage.durable) await syncDirectory(directory);
        return;
      } catch (error) {
        // Best effort: the write failed already and that is what we report; a leftover
        // temporary file is reclaimed by deleteExpired.
        await unlink(temp).catch(() => undefined);
        if (errorCode(error) !== "ENOENT" || attempt === MAX_WRITE_ATTEMPTS) throw this.#failure("set", error, path);
        await makeDirectory(directory, this.#storage).catch((directoryError: unknown) => {
          throw this.#failure("set", directoryError, directory);
        });
      }
    }
  }

  // Placeholders while the atomic operations are being built for this backend.
  protected incrementEntry(): never {
    throw new Error(`${this.kind}: increment is not implemented yet`);
  }

  protected writeEntryIfAbsent(): never {
    throw new Error(`${this.kind}: setIfAbsent is not implemented yet`);
  }

  // eslint-disable-next-line require-yield
  protected async *listKeys(): AsyncGenerator<readonly string[]> {
    throw new Error(`${this.kind}: keys is not implemented yet`);
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
    const children = await listDirectory(this.#directory).catch((error: unknown) => {
      throw this.#failure("deleteAll", error, this.#directory);
    });
    for (const child of children) {
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
