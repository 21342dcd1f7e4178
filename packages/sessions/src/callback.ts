/** A Node-style callback, as express-session and @fastify/session pass them. */
export type SessionCallback<T> = (error: unknown, result?: T) => void;

/**
 * Settles `callback` from `promise` and returns `promise`: callers get both styles. With a
 * callback, a failure goes to the callback and the returned promise is marked handled (it still
 * rejects for whoever awaits it), so it is never reported as an unhandled rejection. The callback
 * runs on its own tick, so an exception it throws is not turned into a rejection and lost.
 */
export function withCallback<T>(promise: Promise<T>, callback: SessionCallback<T> | undefined): Promise<T> {
  if (typeof callback === "function") {
    promise.then(
      (result) => process.nextTick(callback, null, result),
      (error: unknown) => process.nextTick(callback, error),
    );
  }
  return promise;
}
