import { StoreConfigurationError, assertValidNamespaceName, timerDurationToMilliseconds, type Duration } from "@stowage/core";
import { DEFAULT_OPERATION_TIMEOUT_MS } from "./resp-store.js";

/** The options of a `withClient` factory that belong to the store rather than to the client. */
export interface ClientFactoryOptions {
  /** A `redis://` (or `rediss://`, `valkey://`) URL; other client options override its parts. */
  url?: string | undefined;
  /** The root namespace; see `RespStoreOptions.namespace`. */
  namespace?: string | null | undefined;
  /** The bound on every round trip; see `RespStoreOptions.operationTimeout`. */
  operationTimeout?: Duration | undefined;
}

/** The client options a `withClient` store uses unless told otherwise. */
interface ClientDefaults {
  retryStrategy: (attempt: number) => number;
  maxRetriesPerRequest: number;
  connectTimeout: number;
}

/**
 * Splits the options of a `withClient` factory into the store's and the client's, and gives the
 * client defaults that suit a store whose operations are bounded anyway: reconnect quickly
 * (every 50 ms more per attempt, at most every second) so the store works again soon after the
 * server is back, and fail queued commands after one failed reconnection instead of keeping
 * them (ioredis keeps them for 20) and replaying stale writes long after the caller gave up.
 * Options the caller gives win. Everything the store would reject is checked here, before a
 * client (and its connection) exists.
 *
 * @throws InvalidArgumentError when `namespace` or `operationTimeout` is invalid.
 * @throws StoreConfigurationError when `keyPrefix` is given (use `namespace`).
 */
export function clientOptionsWithDefaults<T extends ClientFactoryOptions>(
  options: T,
  kind: string,
): {
  url: string | undefined;
  store: { namespace?: string | null | undefined; operationTimeout?: Duration | undefined };
  client: ClientDefaults & Omit<T, keyof ClientFactoryOptions>;
} {
  const { url, namespace, operationTimeout, ...clientOptions } = options;
  if (typeof namespace === "string" || (namespace !== undefined && namespace !== null)) assertValidNamespaceName(namespace, kind);
  if ((clientOptions as { keyPrefix?: unknown }).keyPrefix) {
    throw new StoreConfigurationError("keyPrefix is not supported, since SCAN does not apply it: use the namespace option instead.", { store: kind });
  }
  const timeoutMs =
    operationTimeout === undefined ? DEFAULT_OPERATION_TIMEOUT_MS : timerDurationToMilliseconds(operationTimeout, "operationTimeout", kind);
  const defaults: ClientDefaults = {
    retryStrategy: (attempt) => Math.min(attempt * 50, 1_000),
    maxRetriesPerRequest: 1,
    connectTimeout: Math.max(timeoutMs, 1_000),
  };
  const store = namespace === undefined ? { operationTimeout } : { namespace, operationTimeout };
  // An option given as undefined is an option left out: it must not erase a default.
  const given = Object.fromEntries(Object.entries(clientOptions).filter(([, value]) => value !== undefined)) as typeof clientOptions;
  return { url, store, client: { ...defaults, ...given } };
}
