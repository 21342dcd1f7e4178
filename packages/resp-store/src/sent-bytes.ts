/**
 * The store's private copies of the bytes it sends. A command can wait in the client's offline
 * queue past the operation's deadline, or be sent again after a reconnection, so the bytes it
 * carries must be the store's own, never the caller's array. These copies never leave the store
 * (the client copies them into the command it writes), so they need no ArrayBuffer of their own:
 * small ones come from Node's shared pool, and large ones from buffers reused once the command
 * that carried them has settled. A fresh 64 KiB ArrayBuffer per `set` would double the external
 * memory the client's own copy allocates, and with it the garbage collections it triggers.
 */

/** Copies at least this long are made in reused buffers (smaller ones come from Node's pool). */
const REUSED_MIN_BYTES = 16 * 1024;
/** Copies longer than this get a buffer of their own that is not kept. */
const REUSED_MAX_BYTES = 1024 * 1024;
/** The most bytes of idle buffers kept for reuse, over all sizes. */
const KEPT_MAX_BYTES = 2 * 1024 * 1024;

/** Idle buffers by capacity (a power of two). */
const idle = new Map<number, ArrayBuffer[]>();
let keptBytes = 0;

/** The capacity of the reused buffer for `length` bytes: the next power of two. */
function capacityFor(length: number): number {
  return 2 ** Math.ceil(Math.log2(length));
}

/**
 * A private copy of `value` for a command (a string is immutable and passed on as it is). A large
 * copy must be given back with {@link releaseWhenSettled} once the command is issued.
 */
export function copyForSending(value: Uint8Array | string): Buffer | string {
  if (typeof value === "string") return value;
  const length = value.byteLength;
  let bytes: Buffer;
  if (length < REUSED_MIN_BYTES || length > REUSED_MAX_BYTES) {
    bytes = Buffer.allocUnsafe(length);
  } else {
    const capacity = capacityFor(length);
    const reused = idle.get(capacity)?.pop();
    if (reused) keptBytes -= capacity;
    bytes = Buffer.from(reused ?? new ArrayBuffer(capacity), 0, length);
  }
  bytes.set(value);
  return bytes;
}

/**
 * Keeps the buffer of a large copy for reuse once `command` has settled: the client is done with
 * its arguments then (an unanswered command that the client sends again has not settled yet).
 */
export function releaseWhenSettled(bytes: Buffer | string, command: Promise<unknown>): void {
  if (typeof bytes === "string" || bytes.byteLength < REUSED_MIN_BYTES || bytes.byteLength > REUSED_MAX_BYTES) return;
  const buffer = bytes.buffer as ArrayBuffer;
  const release = (): void => {
    const capacity = buffer.byteLength;
    if (keptBytes + capacity > KEPT_MAX_BYTES) return;
    keptBytes += capacity;
    let list = idle.get(capacity);
    if (!list) idle.set(capacity, (list = []));
    list.push(buffer);
  };
  command.then(release, release);
}
