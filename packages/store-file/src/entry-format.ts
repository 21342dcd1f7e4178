/*
 * An entry file is a fixed 20-byte header, the key, then the value:
 *
 *   offset  size  field
 *   0       4     magic "STWF"
 *   4       1     format version, 1
 *   5       3     reserved, zero
 *   8       8     expiry given to `set`, epoch milliseconds as a big-endian float64; 0 = none
 *   16      4     key length in bytes, big-endian uint32
 *   20      n     the key, UTF-8
 *   20+n    ...   the value
 *
 * When the header has an expiry, the file's modification time holds the current one (see
 * file-store.ts: renewal changes only that), and the header value is what `set` wrote.
 */

/** Bytes before the key. */
export const HEADER_SIZE = 20;
export const FORMAT_VERSION = 1;
const MAGIC = 0x53545746; // "STWF"

/** What a valid header says. */
export interface EntryHeader {
  /** The expiry written by `set`, epoch ms; 0 when the entry never expires. */
  expiresAt: number;
  /** Length of the key in bytes. */
  keyLength: number;
}

/** The header and key bytes of a new entry, to be written before the value. */
export function encodeHeader(keyBytes: Buffer, expiresAt: number): Buffer {
  const header = Buffer.alloc(HEADER_SIZE + keyBytes.length);
  header.writeUInt32BE(MAGIC, 0);
  header.writeUInt8(FORMAT_VERSION, 4);
  header.writeDoubleBE(expiresAt, 8);
  header.writeUInt32BE(keyBytes.length, 16);
  keyBytes.copy(header, HEADER_SIZE);
  return header;
}

/**
 * Reads the header at the start of `bytes` (a file of `fileSize` bytes).
 *
 * @returns the header, or a string saying why the bytes are not an entry.
 */
export function decodeHeader(bytes: Buffer, fileSize: number): EntryHeader | string {
  if (bytes.length < HEADER_SIZE) return `it is ${fileSize} bytes long, shorter than an entry header`;
  if (bytes.readUInt32BE(0) !== MAGIC) return "it does not start with the entry magic bytes (not a FileStore entry)";
  const version = bytes.readUInt8(4);
  if (version !== FORMAT_VERSION) {
    return `its format version is ${version}, this FileStore reads version ${FORMAT_VERSION} (written by another release?)`;
  }
  const expiresAt = bytes.readDoubleBE(8);
  if (!Number.isSafeInteger(expiresAt) || expiresAt < 0) return `its expiry field holds ${expiresAt}, not a time`;
  const keyLength = bytes.readUInt32BE(16);
  if (HEADER_SIZE + keyLength > fileSize) return `its key length (${keyLength}) runs past the end of the file (${fileSize} bytes)`;
  return { expiresAt, keyLength };
}
