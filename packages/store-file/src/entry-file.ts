import { open, type FileHandle } from "node:fs/promises";
import type { BigIntStats } from "node:fs";
import { HEADER_SIZE, decodeHeader, type EntryHeader } from "./entry-format.js";
import { READ_FLAGS, errorCode, expiryOf, readAll } from "./file-io.js";

/** Why a file at an entry's path is not that entry; FileStore reports it as StoreCorruptionError. */
export class InvalidEntryFile extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** An entry file that was opened and checked. The caller closes `handle`. */
export interface EntryFile {
  handle: FileHandle;
  stats: BigIntStats;
  header: EntryHeader;
  /** The value in memory of its own (read only when asked for). */
  value: Uint8Array | undefined;
  /** The current expiry (the file's modification time), epoch ms; 0 when none. */
  expiresAt: number;
}

/** Whether an opened entry has expired at `now`. */
export const isExpired = (entry: EntryFile, now: number): boolean => entry.expiresAt !== 0 && entry.expiresAt <= now;

/**
 * Opens the file at `path` and checks that it holds the entry of `keyBytes`, reading the value
 * too when `withValue`.
 *
 * @returns the open entry, or null when no file is there.
 * @throws InvalidEntryFile when the file is not that entry; the system error of a failed read.
 */
export async function openEntry(path: string, keyBytes: Buffer, withValue: boolean): Promise<EntryFile | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    if (errorCode(error) === "ELOOP") throw new InvalidEntryFile("it is a symbolic link, not an entry file");
    throw error;
  }
  try {
    const stats = await handle.stat({ bigint: true });
    if (!stats.isFile()) throw new InvalidEntryFile("it is not a regular file");
    const size = Number(stats.size);
    // The header and key in one buffer, the value in another of its own size, so the array
    // handed to the caller owns its memory and shares it with nothing; one read for both.
    const head = Buffer.allocUnsafe(Math.min(size, HEADER_SIZE + keyBytes.length));
    const value = withValue && size > head.length ? Buffer.allocUnsafeSlow(size - head.length) : withValue ? new Uint8Array(0) : undefined;
    const buffers = value === undefined || value.length === 0 ? [head] : [head, value];
    const filled = await readAll(handle, buffers);
    const header = decodeHeader(head.subarray(0, Math.min(filled, head.length)), size);
    if (typeof header === "string") throw new InvalidEntryFile(header);
    if (header.keyLength !== keyBytes.length || !keyBytes.equals(head.subarray(HEADER_SIZE, HEADER_SIZE + header.keyLength))) {
      throw new InvalidEntryFile("it holds the entry of another key");
    }
    const wanted = head.length + (value?.length ?? 0);
    if (filled < wanted) throw new InvalidEntryFile(`it was cut short while being read (${filled} of ${wanted} bytes)`);
    const expiresAt = header.expiresAt === 0 ? 0 : expiryOf(stats.mtimeNs);
    return { handle, stats, header, value, expiresAt };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
