/**
 * Copies that own their memory. Node's `Buffer.allocUnsafe` and `Buffer.from` hand out slices
 * of one shared 8 KiB pool: a value in such a slice exposes its neighbours' bytes through
 * `.buffer`, can be changed through them, and keeps the whole chunk alive. Every value a store
 * keeps or returns is made here instead, in an `ArrayBuffer` of exactly its own length.
 */

/** A copy of `bytes` in an `ArrayBuffer` of its own (never Node's shared pool). */
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
