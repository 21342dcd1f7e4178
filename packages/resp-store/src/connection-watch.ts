import type { RespClient } from "./resp-client.js";

/** Why a client's connection is failing, as its own events said; cleared once it is ready again. */
export interface ConnectionFailure {
  /** The latest `error` event: `connect ECONNREFUSED 127.0.0.1:6379`, `WRONGPASS ...`, `All sentinels are unreachable ...`. */
  error: unknown;
  /** The latest `sentinelError` event of a Sentinel client, which names the Sentinel it could not use. */
  sentinelError: unknown;
}

const failures = new WeakMap<object, ConnectionFailure>();

/**
 * Listens to `client`'s connection events, once per client however many stores use it, so that
 * the latest connection failure can become the `cause` of the store errors it produces (a
 * command the client gives up on says only "max retries per request" or "Connection is closed";
 * a command that waits says nothing at all). As a side effect ioredis and iovalkey no longer
 * print failed reconnections as unhandled error events: the application sees them through the
 * store's errors instead.
 */
export function watchConnection(client: RespClient): void {
  if (failures.has(client)) return;
  const failure: ConnectionFailure = { error: undefined, sentinelError: undefined };
  failures.set(client, failure);
  client.on("error", (error) => {
    failure.error = error;
  });
  client.on("sentinelError", (error) => {
    failure.sentinelError = error;
  });
  client.on("ready", () => {
    failure.error = undefined;
    failure.sentinelError = undefined;
  });
}

/** The latest connection failure of a watched client, while it is not ready. */
export function connectionFailureOf(client: RespClient): ConnectionFailure | undefined {
  const failure = failures.get(client);
  return failure && failure.error !== undefined ? failure : undefined;
}

/** The failure in words, for an error message: the client's message, and the Sentinel's when there is one. */
export function describeConnectionFailure(failure: ConnectionFailure): string {
  const sentinel = failure.sentinelError instanceof Error ? `; ${failure.sentinelError.message}` : "";
  return `${messageOf(failure.error)}${sentinel}`;
}

/** An error's message, or the value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
