import { InvalidArgumentError, StoreCorruptionError } from "@stowage/core";
import type { HeaderPair } from "./cacheability.js";

/** A stored response: what a hit replays. */
export interface CachedResponse {
  readonly status: number;
  /** Headers in the order they were sent, each value separately. */
  readonly headers: readonly HeaderPair[];
  readonly body: Uint8Array;
  /** When the response was stored, in milliseconds since the epoch (for `Age`). */
  readonly storedAt: number;
}

/** What the key of a URL holds when its response varies: the request headers it varies on and a token for its variants. */
export interface VaryRecord {
  /** Lowercase header names, sorted. */
  readonly names: readonly string[];
  /** 32 hex digits, new each time the record is written afresh (so an invalidated URL's old variants are never reached). */
  readonly token: string;
}

/** A decoded value: a response, or the vary record of a URL whose responses vary. */
export type DecodedEntry = { kind: "response"; response: CachedResponse } | { kind: "vary"; vary: VaryRecord };

// Layout (all integers big-endian; header names and values are byte strings, one byte per char):
//   0  4  magic "STRC"         4  1  version (1)          5  1  kind (1 response, 2 vary record)
// response:  6  2  status       8  8  storedAt (float64 ms)   16  2  header count
//            then per header: name length (u16), name, value length (u32), value; then the body (the rest)
// vary:      6 16  token bytes  22  2  name count, then per name: length (u16), name
const MAGIC = [0x53, 0x54, 0x52, 0x43];
const VERSION = 1;
const KIND_RESPONSE = 1;
const KIND_VARY = 2;

function writeLatin1(target: Uint8Array, offset: number, text: string): number {
  for (let index = 0; index < text.length; index++) target[offset + index] = text.charCodeAt(index) & 0xff;
  return offset + text.length;
}

/** Reads byte strings (one char per byte) out of one value. */
type Latin1Reader = (start: number, end: number) => string;

// Node's Buffer decodes byte strings natively, many times faster than building them in
// JavaScript; elsewhere (Hono on other runtimes) the portable loop does it.
const NodeBuffer = (globalThis as { Buffer?: { from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: "latin1", start: number, end: number): string } } }).Buffer;

function latin1Reader(source: Uint8Array): Latin1Reader {
  if (NodeBuffer) {
    const view = NodeBuffer.from(source.buffer, source.byteOffset, source.byteLength);
    return (start, end) => view.toString("latin1", start, end);
  }
  return (start, end) => {
    let text = "";
    for (let index = start; index < end; index++) text += String.fromCharCode(source[index]!);
    return text;
  };
}

function header(kind: number, size: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(size);
  bytes.set(MAGIC, 0);
  bytes[4] = VERSION;
  bytes[5] = kind;
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/**
 * Encodes a response in the compact binary layout above.
 *
 * @throws InvalidArgumentError for more than 65,535 headers or a header name of 64 KiB or more.
 */
export function encodeResponse(response: CachedResponse): Uint8Array {
  if (response.headers.length > 0xffff || response.headers.some(([name]) => name.length > 0xffff)) {
    throw new InvalidArgumentError({ argument: "response headers", value: response.headers.length, expected: "at most 65,535 headers, each name under 64 KiB" });
  }
  let size = 18 + response.body.byteLength;
  for (const [name, value] of response.headers) size += 6 + name.length + value.length;
  const { bytes, view } = header(KIND_RESPONSE, size);
  view.setUint16(6, response.status);
  view.setFloat64(8, response.storedAt);
  view.setUint16(16, response.headers.length);
  let offset = 18;
  for (const [name, value] of response.headers) {
    view.setUint16(offset, name.length);
    offset = writeLatin1(bytes, offset + 2, name);
    view.setUint32(offset, value.length);
    offset = writeLatin1(bytes, offset + 4, value);
  }
  bytes.set(response.body, offset);
  return bytes;
}

/** Encodes a vary record in the compact binary layout above. */
export function encodeVary(vary: VaryRecord): Uint8Array {
  let size = 24;
  for (const name of vary.names) size += 2 + name.length;
  const { bytes, view } = header(KIND_VARY, size);
  for (let index = 0; index < 16; index++) bytes[6 + index] = parseInt(vary.token.slice(index * 2, index * 2 + 2), 16);
  view.setUint16(22, vary.names.length);
  let offset = 24;
  for (const name of vary.names) {
    view.setUint16(offset, name.length);
    offset = writeLatin1(bytes, offset + 2, name);
  }
  return bytes;
}

/** A fresh vary-record token: 16 random bytes as 32 hex digits. */
export function newToken(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Decodes a value written by {@link encodeResponse} or {@link encodeVary}.
 *
 * @throws StoreCorruptionError when the bytes are not such a value (foreign, truncated, a newer format).
 */
export function decodeEntry(bytes: Uint8Array, key: string, store?: string): DecodedEntry {
  const corrupt = (reason: string) => new StoreCorruptionError({ reason, key, ...(store === undefined ? {} : { store }) });
  if (bytes.byteLength < 6 || MAGIC.some((byte, index) => bytes[index] !== byte)) throw corrupt("not a response-cache entry (no STRC header)");
  if (bytes[4] !== VERSION) throw corrupt(`response-cache entry format ${bytes[4]} is not supported (expected ${VERSION})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const readLatin1 = latin1Reader(bytes);
  const need = (offset: number) => {
    if (offset > bytes.byteLength) throw corrupt("truncated response-cache entry");
  };
  if (bytes[5] === KIND_VARY) {
    need(24);
    const token = Array.from(bytes.subarray(6, 22), (byte) => byte.toString(16).padStart(2, "0")).join("");
    const names: string[] = [];
    let offset = 24;
    for (let count = view.getUint16(22); count > 0; count--) {
      need(offset + 2);
      const length = view.getUint16(offset);
      need(offset + 2 + length);
      names.push(readLatin1(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
    return { kind: "vary", vary: { names, token } };
  }
  if (bytes[5] !== KIND_RESPONSE) throw corrupt(`unknown response-cache entry kind ${bytes[5]}`);
  need(18);
  const headers: HeaderPair[] = [];
  let offset = 18;
  for (let count = view.getUint16(16); count > 0; count--) {
    need(offset + 2);
    const nameLength = view.getUint16(offset);
    need(offset + 2 + nameLength + 4);
    const name = readLatin1(offset + 2, offset + 2 + nameLength);
    offset += 2 + nameLength;
    const valueLength = view.getUint32(offset);
    need(offset + 4 + valueLength);
    headers.push([name, readLatin1(offset + 4, offset + 4 + valueLength)]);
    offset += 4 + valueLength;
  }
  const response = { status: view.getUint16(6), storedAt: view.getFloat64(8), headers, body: bytes.subarray(offset) };
  return { kind: "response", response };
}
