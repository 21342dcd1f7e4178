import { RespStore, clientOptionsWithDefaults, type ClientFactoryOptions, type RespClient, type RespStoreOptions } from "@stowage/resp-store";
import { Redis, type Cluster, type RedisOptions } from "ioredis";

/** The clients a {@link RedisStore} works with: an ioredis `Redis` (single server or Sentinel) or `Cluster`. */
export type RedisClient = Redis | Cluster;

/**
 * Options of `new RedisStore(...)`: the client, `namespace`, `ownsClient`, `operationTimeout`. The
 * client is typed by the few calls the store makes ({@link RespClient}), so a client of any
 * ioredis version the peer range allows (or of another copy of ioredis) is accepted as it is.
 */
export type RedisStoreOptions<C extends RespClient = RedisClient> = RespStoreOptions<C>;

/** Options of {@link RedisStore.withClient}: `url`, `namespace`, `operationTimeout`, and any ioredis option. */
export type RedisStoreClientOptions = ClientFactoryOptions & RedisOptions;

/**
 * A Stowage store on Redis through ioredis. Shared by every process that reaches the server;
 * expiry is the server's own. Works with single-server, Sentinel and Cluster clients.
 *
 * Keys live under the root namespace (`"stowage"` by default) in a layout readable from
 * `redis-cli`: `stowage|key`, `stowage:sessions|key`. Every round trip is bounded by
 * `operationTimeout` (2 s by default); past it, or when the server is down, operations reject
 * with `StoreUnavailableError`, and the store works again once the server is back.
 */
export class RedisStore<C extends RespClient = RedisClient> extends RespStore<C> {
  protected get kind(): string {
    return "RedisStore";
  }

  /**
   * A store on a client the application made. `close()` leaves the client open unless
   * `ownsClient` is true.
   *
   * @throws InvalidArgumentError when `namespace` or `operationTimeout` is invalid.
   * @throws StoreConfigurationError when `client` is not an ioredis client or has a `keyPrefix`.
   */
  constructor(options: RedisStoreOptions<C>) {
    super(options);
  }

  /**
   * A store with a client of its own, which `close()` closes. Takes `url` and any ioredis
   * option; left to itself, the client reconnects at least every second and fails queued
   * commands after one failed reconnection.
   *
   * @throws InvalidArgumentError when `namespace` or `operationTimeout` is invalid.
   * @throws StoreConfigurationError when `keyPrefix` is given.
   */
  static withClient(options: RedisStoreClientOptions = {}): RedisStore<Redis> {
    const { url, store, client } = clientOptionsWithDefaults(options, "RedisStore");
    return new RedisStore<Redis>({ ...store, client: url === undefined ? new Redis(client) : new Redis(url, client), ownsClient: true });
  }
}
