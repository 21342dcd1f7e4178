/**
 * Self-checking values for the multi-process tests: [length u32][sequence u32] then a fill byte
 * derived from the sequence. A torn, truncated or mixed write fails `isWholeValue`.
 */
export function makeValue(sequence: number, length: number): Buffer {
  const value = Buffer.alloc(length, sequence % 251);
  value.writeUInt32BE(length, 0);
  value.writeUInt32BE(sequence >>> 0, 4);
  return value;
}

/** Whether `value` is exactly one value made by {@link makeValue}. */
export function isWholeValue(value: Uint8Array): boolean {
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== bytes.length) return false;
  const fill = bytes.readUInt32BE(4) % 251;
  for (let i = 8; i < bytes.length; i++) if (bytes[i] !== fill) return false;
  return true;
}
