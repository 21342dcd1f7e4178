/**
 * Copies that own their memory. Node's `Buffer.allocUnsafe` and `Buffer.from` hand out slices
 * of one shared 8 KiB pool: a value in such a slice exposes its neighbours' bytes through
 * `.buffer`, can be changed through them, and keeps the whole chunk alive. Every value a store
 * keeps or returns is made here instead, in an `ArrayBuffer` of exactly its own length.
 */

/**
 * A copy of `bytes` in an `ArrayBuffer` of exactly its length (never Node's shared pool, never a
 * view of a larger buffer such as a socket's read chunk), as a `Buffer`. What a backend's `get`
 * returns should be made this way (or be otherwise unshared): the caller may keep it, change it,
 * or read its `.buffer`, and must reach no other entry's bytes through it.
 */
export function ownedCopy(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

/** The encoding of `text` in an `ArrayBuffer` of its own (never Node's shared pool). */
export function ownedEncoding(text: string, encoding: "utf8" | "latin1"): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, encoding));
  bytes.write(text, encoding);
  return bytes;
}
