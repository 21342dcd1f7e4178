import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";

/*
 * Where things live under a FileStore's directory. Every name the store creates has a shape no
 * other kind of name has, so a walk of the tree can tell them apart and skip anything foreign:
 *
 *   <namespace dir>/
 *     <2 hex>/                 fan-out directory: the first two hex digits of the entry's hash
 *       <64 hex>               entry file: SHA-256 of the key's UTF-8 bytes, lowercase hex
 *       .tmp-<unique>          a write in progress (or left behind by a crashed writer)
 *     ns.<64 hex>/             child namespace: SHA-256 of the name, laid out the same way
 *     .trash-<unique>/         a namespace being removed by deleteAll
 *
 * Keys and names only ever reach the file system through their hash, so no character they
 * hold (`/`, `..`, NUL, unicode) can address anything outside the store.
 */

/** Matches a fan-out directory name. */
export const FAN_OUT_NAME = /^[0-9a-f]{2}$/;
/** Matches an entry file name. */
export const ENTRY_NAME = /^[0-9a-f]{64}$/;
/** Matches a child namespace directory name. */
export const NAMESPACE_NAME = /^ns\.[0-9a-f]{64}$/;
/** Prefix of a temporary file being written. */
export const TEMP_PREFIX = ".tmp-";
/** Prefix of a directory renamed aside by deleteAll, about to be removed. */
export const TRASH_PREFIX = ".trash-";

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** The directory of the child namespace `name` inside `parentDirectory`. */
export function namespaceDirectory(parentDirectory: string, name: string): string {
  return join(parentDirectory, `ns.${sha256(name)}`);
}

/** The path of the entry file of `key` in the namespace directory `directory`. */
export function entryPath(directory: string, key: string): string {
  const hash = sha256(key);
  return join(directory, hash.slice(0, 2), hash);
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
