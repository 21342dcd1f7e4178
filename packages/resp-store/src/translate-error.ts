import { StoreConfigurationError, StoreCorruptionError, StoreUnavailableError, StowageError } from "@stowage/core";
import { describeConnectionFailure, messageOf, type ConnectionFailure } from "./connection-watch.js";

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
  /** Why the client's connection is failing, when its events said so. */
  connection?: ConnectionFailure | undefined;
}

const REFUSED = /^(NOAUTH|WRONGPASS|NOPERM)\b/;
/** The client's own words for "I gave up on this command" (ioredis, iovalkey): they say nothing of why. */
const GAVE_UP = /^(Reached the max retries per request limit|Connection is closed\.|Stream isn't writeable)/;

/**
 * Turns a client's rejection into a Stowage error, the client's error as `cause`:
 * `WRONGTYPE` (our key holds a hash, a list...) becomes `StoreCorruptionError`; a refusal to
 * authenticate or authorise becomes `StoreConfigurationError`; everything else (refused or lost
 * connections, `LOADING`, `READONLY`, `CLUSTERDOWN`, `OOM`, a client-side timeout, a client that
 * was closed) means the server cannot serve us now: `StoreUnavailableError`.
 *
 * When the client gave up on the command because its connection keeps failing, the connection's
 * own error (`connect ECONNREFUSED 127.0.0.1:6379`, `WRONGPASS ...`) is the real reason: it
 * becomes the cause, and both messages go into the store error's message.
 */
export function translateError(error: unknown, failed: FailedOperation): StowageError {
  if (StowageError.isInstance(error)) return error;
  const message = messageOf(error);
  if (message.includes("WRONGTYPE")) {
    return new StoreCorruptionError({
      store: failed.store,
      key: failed.key,
      path: failed.redisKey,
      reason: "the Redis key holds a value that is not a string (a hash, list, set...), so another program wrote it",
      cause: error,
    });
  }
  if (failed.connection && GAVE_UP.test(message)) {
    return connectionError(failed.operation, failed.store, `${describeConnectionFailure(failed.connection)} (${message})`, failed.connection.error);
  }
  return connectionError(failed.operation, failed.store, message, error);
}

/**
 * The error for an operation that could not be served: `StoreConfigurationError` when the
 * server refused the credentials or permissions (`cause` is that refusal), else
 * `StoreUnavailableError`. `reason` goes into the message.
 */
export function connectionError(operation: string, store: string, reason: string, cause: unknown): StowageError {
  if (REFUSED.test(messageOf(cause))) {
    return new StoreConfigurationError(`the server refused ${operation} (${reason}). Check the client's credentials and ACL permissions.`, { store, cause });
  }
  return new StoreUnavailableError({ store, operation, reason, cause });
}
