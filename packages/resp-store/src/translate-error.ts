import { StoreConfigurationError, StoreCorruptionError, StoreUnavailableError, StowageError } from "@stowage/core";

/** What failed, for the message of a translated error. */
export interface FailedOperation {
  /** The store operation, for example `get`. */
  operation: string;
  /** The store's description. */
  store: string;
  /** The key the operation was about, if any. */
  key?: string | undefined;
  /** The Redis key it maps to, if any. */
  redisKey?: string | undefined;
}

const REFUSED = /^(NOAUTH|WRONGPASS|NOPERM)\b/;

/**
 * Turns a client's rejection into a Stowage error, the client's error as `cause`:
 * `WRONGTYPE` (our key holds a hash, a list...) becomes `StoreCorruptionError`; a refusal to
 * authenticate or authorise becomes `StoreConfigurationError`; everything else (refused or lost
 * connections, `LOADING`, `READONLY`, `CLUSTERDOWN`, `OOM`, a client-side timeout, a client that
 * was closed) means the server cannot serve us now: `StoreUnavailableError`.
 */
export function translateError(error: unknown, failed: FailedOperation): StowageError {
  if (StowageError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes("WRONGTYPE")) {
    return new StoreCorruptionError({
      store: failed.store,
      key: failed.key,
      path: failed.redisKey,
      reason: "the Redis key holds a value that is not a string (a hash, list, set...), so another program wrote it",
      cause: error,
    });
  }
  if (REFUSED.test(message)) {
    return new StoreConfigurationError(`the server refused ${failed.operation} (${message}). Check the client's credentials and ACL permissions.`, {
      store: failed.store,
      cause: error,
    });
  }
  return new StoreUnavailableError({ store: failed.store, operation: failed.operation, reason: message, cause: error });
}
