import type { Store } from "@stowage/core";

/** The cross-process lock's timings, in milliseconds. */
export interface LockSettings {
  expiresInMs: number;
  waitMs: number;
  pollIntervalMs: number;
}

/** What a read during the wait found. */
export interface Polled {
  response: unknown;
  failed: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes the lock `name` (`setIfAbsent` with `expiresInMs`) and resolves `{ held: true }`; or,
 * when another process holds it, polls with `read` every `pollIntervalMs` for up to `waitMs` and
 * resolves `{ held: false, found }` with the last read: early once it finds a response, fails,
 * `holderDone(found)` says the holder's result is not ours, or the lock is gone (then after one
 * more read, since the holder stores its response before it releases the lock). `found` is `undefined` when the wait ran out before any read.
 *
 * @throws what the store's `setIfAbsent` or `exists` throws.
 */
export async function lockOrWait<F extends Polled>(
  store: Store,
  lock: LockSettings,
  name: string,
  read: () => Promise<F>,
  holderDone: (found: F) => boolean,
): Promise<{ held: true } | { held: false; found: F | undefined }> {
  if (await store.setIfAbsent(name, "1", { expiresIn: lock.expiresInMs / 1_000 })) return { held: true };
  const deadline = Date.now() + lock.waitMs;
  let found: F | undefined;
  while (Date.now() < deadline) {
    await sleep(Math.min(lock.pollIntervalMs, Math.max(1, deadline - Date.now())));
    found = await read();
    if (found.response || found.failed || holderDone(found)) break;
    if (!(await store.exists(name))) {
      // The holder may have stored its response and released the lock between the read above
      // and this check (it stores first, then releases): read once more before giving up.
      found = await read();
      break;
    }
  }
  return { held: false, found };
}
