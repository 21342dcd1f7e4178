import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";

/*
 * Where things live under a FileStore's directory. The user's directory may hold anything else:
 * the store only ever creates, reads or removes things inside its own `.stowage` directory, so it
 * never has to guess which of the user's names are its own.
 *
 *   <path>/                      the user's directory
 *     .stowage/                  the store's own directory
 *       root/                    the root namespace
 *         <2 hex>/               fan-out directory: the first two hex digits of the entry's hash
 *           <64 hex>             entry file: SHA-256 of the key's UTF-8 bytes, lowercase hex
 *           .lock-<64 hex>/      the entry's lock, held by increment, setIfAbsent, delete and the
 *                                sweep; it holds one directory named after its owner
 *           .aside-<64 hex>      the entry, moved aside for a moment by a compare-and-swap
 *           .tmp-<unique>        a write in progress (a file) or a lock being taken (a directory)
 *         ns.<64 hex>/           child namespace: SHA-256 of the name, laid out the same way
 *         .trash-<unique>/       a child namespace being removed by deleteAll
 *       .trash-<unique>/         the root namespace being removed by deleteAll
 *
 * Keys and names only ever reach the file system through their hash, so no character they
 * hold (`/`, `..`, NUL, unicode) can address anything outside the store.
 */

/** The directory the store owns inside the user's directory. */
export const STORE_DIRECTORY = ".stowage";
/** The root namespace's directory inside {@link STORE_DIRECTORY}. */
const ROOT_NAMESPACE = "root";

/** Matches a fan-out directory name. */
export const FAN_OUT_NAME = /^[0-9a-f]{2}$/;
/** Matches an entry file name. */
export const ENTRY_NAME = /^[0-9a-f]{64}$/;
/** Matches a child namespace directory name. */
export const NAMESPACE_NAME = /^ns\.[0-9a-f]{64}$/;
/** Prefix of a temporary file being written, or a lock directory being prepared. */
export const TEMP_PREFIX = ".tmp-";
/** Prefix of a directory renamed aside by deleteAll, about to be removed. */
export const TRASH_PREFIX = ".trash-";
/** Prefix of an entry's lock directory (then the entry's file name). */
export const LOCK_PREFIX = ".lock-";
/** Prefix of an entry moved aside by a compare-and-swap (then the entry's file name). */
export const ASIDE_PREFIX = ".aside-";

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** The directory of the root namespace of a store at the user's directory `path`. */
export function rootDirectory(path: string): string {
  return join(path, STORE_DIRECTORY, ROOT_NAMESPACE);
}

/** The directory of the child namespace `name` inside `parentDirectory`. */
export function namespaceDirectory(parentDirectory: string, name: string): string {
  return join(parentDirectory, `ns.${sha256(name)}`);
}

/** The path of the entry file of `key` in the namespace directory `directory`. */
export function entryPath(directory: string, key: string): string {
  const hash = sha256(key);
  return join(directory, hash.slice(0, 2), hash);
}

/** The paths that go with one entry file: its lock directory and its aside name. */
export interface EntryPaths {
  /** The entry file. */
  path: string;
  /** Its lock directory. */
  lock: string;
  /** Where a compare-and-swap moves the entry for a moment. */
  aside: string;
}

/** The entry file at `directory`/`name` with its lock and aside paths. */
export function entryPathsIn(directory: string, name: string): EntryPaths {
  return { path: join(directory, name), lock: join(directory, LOCK_PREFIX + name), aside: join(directory, ASIDE_PREFIX + name) };
}

/** The paths of the entry of `key` in the namespace directory `namespace`. */
export function entryPaths(namespace: string, key: string): EntryPaths {
  const hash = sha256(key);
  return entryPathsIn(join(namespace, hash.slice(0, 2)), hash);
}

// pid + random token + counter: unique across the processes sharing the directory without a
// random draw per write.
const processToken = `${process.pid.toString(36)}-${randomBytes(4).toString("hex")}`;
let counter = 0;

/** A fresh name (no directory) for a temporary file or trash directory with `prefix`. */
export function uniqueName(prefix: string): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}${processToken}-${counter.toString(36)}`;
}
