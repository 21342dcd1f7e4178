import { RespStore, clientOptionsWithDefaults, type ClientFactoryOptions, type RespClient, type RespStoreOptions } from "@stowage/resp-store";
import { Valkey, type Cluster, type RedisOptions } from "iovalkey";

/** The clients a {@link ValkeyStore} works with: an iovalkey `Valkey` (single server or Sentinel) or `Cluster`. */
export type ValkeyClient = Valkey | Cluster;

/**
 * Options of `new ValkeyStore(...)`: the client, `namespace`, `ownsClient`, `operationTimeout`. The
 * client is typed by the few calls the store makes ({@link RespClient}), so a client of any
 * iovalkey version the peer range allows (or of another copy of iovalkey) is accepted as it is.
 */
export type ValkeyStoreOptions<C extends RespClient = ValkeyClient> = RespStoreOptions<C>;

/** Options of {@link ValkeyStore.withClient}: `url`, `namespace`, `operationTimeout`, and any iovalkey option. */
export type ValkeyStoreClientOptions = ClientFactoryOptions & RedisOptions;

/**
 * A Stowage store on Valkey through iovalkey. Shared by every process that reaches the server;
 * expiry is the server's own. Works with single-server, Sentinel and Cluster clients.
 *
 * Keys live under the root namespace (`"stowage"` by default) in a layout readable from
 * `valkey-cli`: `stowage|key`, `stowage:sessions|key`. Every round trip is bounded by
 * `operationTimeout` (2 s by default); past it, or when the server is down, operations reject
 * with `StoreUnavailableError`, and the store works again once the server is back.
 */
export class ValkeyStore<C extends RespClient = ValkeyClient> extends RespStore<C> {
  protected get kind(): string {
    return "ValkeyStore";
  }

  /**
   * A store on a client the application made. `close()` leaves the client open unless
   * `ownsClient` is true.
   *
   * @throws InvalidArgumentError when `namespace` or `operationTimeout` is invalid.
   * @throws StoreConfigurationError when `client` is not an iovalkey client or has a `keyPrefix`.
   */
  constructor(options: ValkeyStoreOptions<C>) {
    super(options);
  }

  /**
   * A store with a client of its own, which `close()` closes. Takes `url` and any iovalkey
   * option; left to itself, the client reconnects at least every second and fails queued
   * commands after one failed reconnection.
   *
   * @throws InvalidArgumentError when `namespace` or `operationTimeout` is invalid.
   * @throws StoreConfigurationError when `keyPrefix` is given.
   */
  static withClient(options: ValkeyStoreClientOptions = {}): ValkeyStore<Valkey> {
    const { url, store, client } = clientOptionsWithDefaults(options, "ValkeyStore");
    return new ValkeyStore<Valkey>({ ...store, client: url === undefined ? new Valkey(client) : new Valkey(url, client), ownsClient: true });
  }
}
