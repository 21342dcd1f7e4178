import { BaseStore, StoreConfigurationError, StoreUnavailableError, assertValidKey, assertValidNamespaceName, timerDurationToMilliseconds, type Duration } from "@stowage/core";
import calculateSlot from "cluster-key-slot";
import { entryKeyPrefix, namespaceMatchPattern } from "./key-layout.js";
import { OperationDeadlines } from "./operation-deadlines.js";
import type { RespClient, RespNodeClient } from "./resp-client.js";
import { translateError } from "./translate-error.js";

/** The root namespace when none is given. */
export const DEFAULT_NAMESPACE = "stowage";
/** The bound on every round trip when none is given: 2 seconds. */
export const DEFAULT_OPERATION_TIMEOUT_MS = 2_000;
/** How many keys `deleteAll` asks SCAN for per page (SCAN's COUNT hint) and removes per UNLINK. */
export const SCAN_PAGE_SIZE = 1_000;

/**
 * `get` with `renewFor`, in one atomic round trip.
 * KEYS[1]: the entry's Redis key. ARGV[1]: the new time to live, in milliseconds.
 * Returns the value, or nil when the key is missing. The expiry moves only when the key has one
 * (PTTL >= 0): an entry without expiry never gets one, and a missing or expired entry is never
 * recreated, since nothing is written when GET finds nothing.
 */
export const GET_AND_RENEW_SCRIPT = `local value = redis.call("GET", KEYS[1])
if value and redis.call("PTTL", KEYS[1]) >= 0 then
  redis.call("PEXPIRE", KEYS[1], ARGV[1])
end
return value`;

/** The name under which the script is registered on the client (`defineCommand`). */
const GET_AND_RENEW = "stowageGetAndRenew";
/** The variant `defineCommand` adds whose reply is bytes. */
const GET_AND_RENEW_BUFFER = `${GET_AND_RENEW}Buffer`;
type ScriptCommands = Record<string, ((key: string, renewMs: number) => Promise<Buffer | null>) | undefined>;

/** Options of {@link RespStore} and of the stores built on it. */
export interface RespStoreOptions<C extends RespClient = RespClient> {
  /** The client to send commands through: a single-server, Sentinel or Cluster client. */
  client: C;
  /**
   * The root namespace, `"stowage"` when left out. Every Redis key the store writes starts with
   * it (see the key layout). `null` works on the bare keyspace: keys are stored exactly as given,
   * `deleteAll` and `withNamespace` refuse with `StoreConfigurationError`.
   */
  namespace?: string | null;
  /** Whether `close()` closes the client too. Default false: the client stays open for its owner. */
  ownsClient?: boolean;
  /**
   * How long any round trip may take before the operation rejects with
   * `StoreUnavailableError`: while the server is down, unreachable or not answering. Default 2 s.
   */
  operationTimeout?: Duration;
}

/** What `withNamespace` passes to the constructor of the same class. */
const CHILD = Symbol("@stowage/resp-store/child");
interface ChildOptions {
  [CHILD]: { parent: RespStore<RespClient>; name: string };
}

/**
 * The one Stowage store for the Redis protocol, over any client shaped like {@link RespClient}
 * (ioredis, iovalkey; single server, Sentinel or Cluster). `RedisStore` and `ValkeyStore` are thin
 * subclasses that only name the client; write another the same way: a class that implements
 * `kind` and whose constructor passes its options object to `super` unchanged.
 *
 * Each operation is one round trip: `SET` (with `PX`), `GET`, a Lua script for `get` with
 * `renewFor`, `PTTL`, `EXISTS`, `UNLINK`. `deleteAll` walks the namespace with `SCAN MATCH` (on
 * every primary of a Cluster) and removes what it finds with `UNLINK`, a page at a time. Every
 * round trip is bounded by `operationTimeout`; past it the operation rejects with
 * `StoreUnavailableError`, and the store keeps working once the server answers again.
 */
export abstract class RespStore<C extends RespClient = RespClient> extends BaseStore {
  // writeEntry makes the copy itself, into a Buffer (see there).
  protected override readonly copiesValues = false;
  readonly #client: C;
  readonly #ownsClient: boolean;
  /** The root namespace and every name below it; undefined for the bare keyspace. */
  readonly #path: readonly string[] | undefined;
  /** What every Redis key of this namespace's entries starts with. */
  readonly #prefix: string;
  readonly #deadlines: OperationDeadlines;

  /**
   * @param options - the client and how to use it; see {@link RespStoreOptions}.
   * @throws InvalidArgumentError when the namespace or `operationTimeout` is invalid.
   * @throws StoreConfigurationError when `client` is not a Redis client, or is one with a
   *   `keyPrefix` (SCAN does not apply it; use `namespace` instead).
   */
  constructor(options: RespStoreOptions<C>) {
    const child = (options as Partial<ChildOptions>)[CHILD];
    super(child && { store: child.parent, name: child.name });
    if (child) {
      const parent = child.parent as RespStore<C>;
      this.#client = parent.#client;
      this.#ownsClient = false;
      this.#path = [...parent.#path!, child.name];
      this.#deadlines = this.#newDeadlines(parent.#deadlines.timeoutMs);
    } else {
      this.#client = checkClient(options?.client, this.description);
      this.#ownsClient = options.ownsClient === true;
      if (this.#ownsClient) watchConnection(this.#client);
      const namespace = options.namespace === undefined ? DEFAULT_NAMESPACE : options.namespace;
      if (namespace !== null) assertValidNamespaceName(namespace, this.description);
      this.#path = namespace === null ? undefined : [namespace];
      const timeoutMs =
        options.operationTimeout === undefined
          ? DEFAULT_OPERATION_TIMEOUT_MS
          : timerDurationToMilliseconds(options.operationTimeout, "operationTimeout", this.description);
      this.#deadlines = this.#newDeadlines(timeoutMs);
    }
    this.#prefix = this.#path ? entryKeyPrefix(this.#path) : "";
  }

  /** The client this store sends its commands through, for what the store does not offer. */
  get client(): C {
    return this.#client;
  }

  /**
   * The Redis key that holds `key` in this store, for reading it from other programs: for
   * example `stowage:sessions|abc`.
   *
   * @throws InvalidKeyError when `key` is not a valid key.
   */
  redisKey(key: string): string {
    assertValidKey(key, this.description);
    return this.#prefix + key;
  }

  protected readEntry(key: string, renewMs: number | undefined): Promise<Buffer | null> {
    const redisKey = this.#prefix + key;
    if (renewMs === undefined) return this.#run("get", key, this.#sender().getBuffer(redisKey));
    return this.#run("get", key, this.#getAndRenew(redisKey, renewMs));
  }

  protected writeEntry(key: string, value: Uint8Array, ttlMs: number | undefined): Promise<void> {
    // A command can wait in the client's offline queue past the operation's deadline, so the
    // bytes it sends must be the store's own: copied here, straight into the Buffer the client needs.
    const bytes = Buffer.allocUnsafe(value.byteLength);
    bytes.set(value);
    const redisKey = this.#prefix + key;
    const client = this.#sender();
    const command = ttlMs === undefined ? client.set(redisKey, bytes) : client.set(redisKey, bytes, "PX", ttlMs);
    return this.#deadlines.runDiscarding("set", key, command);
  }

  // Placeholders while the atomic operations are being built for this backend.
  protected incrementEntry(): never {
    throw new Error(`${this.kind}: increment is not implemented yet`);
  }

  protected writeEntryIfAbsent(): never {
    throw new Error(`${this.kind}: setIfAbsent is not implemented yet`);
  }

  // eslint-disable-next-line require-yield
  protected async *listKeys(): AsyncGenerator<readonly string[]> {
    throw new Error(`${this.kind}: keys is not implemented yet`);
  }

  protected deleteEntry(key: string): Promise<void> {
    return this.#deadlines.runDiscarding("delete", key, this.#sender().unlink(this.#prefix + key));
  }

  protected async hasEntry(key: string): Promise<boolean> {
    return (await this.#run("exists", key, this.#sender().exists(this.#prefix + key))) > 0;
  }

  protected async entryTtl(key: string): Promise<number | null> {
    const ms = await this.#run("expiresIn", key, this.#sender().pttl(this.#prefix + key));
    return ms < 0 ? null : ms;
  }

  protected async deleteAllEntries(): Promise<void> {
    if (this.#path === undefined) {
      throw new StoreConfigurationError(
        "deleteAll refuses to run on the bare keyspace (namespace: null): it would clear keys this store does not own. " +
          "Give the store a namespace, or delete the keys you own one by one.",
        { store: this.description },
      );
    }
    const pattern = namespaceMatchPattern(this.#path);
    const client = this.#client;
    if (!client.isCluster) {
      await this.#deleteMatching(client, pattern, (keys) => this.#run("deleteAll", undefined, client.unlink(...keys)));
      return;
    }
    // A Cluster lists its nodes only once it is ready; any command waits for that.
    if (client.status !== "ready") await this.#run("deleteAll", undefined, client.exists(this.#prefix));
    const primaries = client.nodes?.("master") ?? [];
    if (primaries.length === 0) {
      throw new StoreUnavailableError({ store: this.description, operation: "deleteAll", reason: "the Cluster client knows no primary node" });
    }
    await Promise.all(primaries.map((node) => this.#deleteMatching(node, pattern, (keys) => this.#unlinkBySlot(keys))));
  }

  protected createChild(name: string): RespStore<C> {
    if (this.#path === undefined) {
      throw new StoreConfigurationError(
        `withNamespace(${JSON.stringify(name)}) is not available on the bare keyspace (namespace: null): its keys could collide with bare keys. ` +
          "Create the store with a namespace.",
        { store: this.description },
      );
    }
    const Subclass = this.constructor as new (options: ChildOptions) => RespStore<C>;
    return new Subclass({ [CHILD]: { parent: this as RespStore<RespClient>, name } });
  }

  protected override async closeRoot(): Promise<void> {
    if (!this.#ownsClient) return;
    const client = this.#client;
    try {
      await this.#deadlines.runDiscarding("close", undefined, client.quit());
    } catch {
      // QUIT could not be sent or answered (the server is gone): drop the connection instead.
      client.disconnect();
    }
  }

  /**
   * SCANs one server for `pattern` and removes each page with `unlink` while the next page is
   * being scanned, so at most one page of keys is held and at most one UNLINK is in flight.
   */
  async #deleteMatching(server: RespNodeClient, pattern: string, unlink: (keys: Buffer[]) => Promise<unknown>): Promise<void> {
    let cursor = "0";
    let unlinking: Promise<unknown> = Promise.resolve(undefined);
    do {
      const [next, keys] = await this.#run("deleteAll", undefined, server.scanBuffer(cursor, "MATCH", pattern, "COUNT", SCAN_PAGE_SIZE));
      cursor = next.toString();
      if (keys.length > 0) {
        const failure = await unlinking;
        if (failure !== undefined) throw failure;
        // Resolves to the error instead of rejecting, so a failure waits for us without being unhandled.
        unlinking = unlink(keys).then(() => undefined, (error: unknown) => error);
      }
    } while (cursor !== "0");
    const failure = await unlinking;
    if (failure !== undefined) throw failure;
  }

  /** UNLINKs keys found on one Cluster node: one command per hash slot, all in one pipeline. */
  async #unlinkBySlot(keys: Buffer[]): Promise<void> {
    const bySlot = new Map<number, Buffer[]>();
    for (const key of keys) {
      const slot = calculateSlot(key);
      const group = bySlot.get(slot);
      if (group) group.push(key);
      else bySlot.set(slot, [key]);
    }
    const pipeline = this.#client.pipeline();
    for (const group of bySlot.values()) pipeline.unlink(...group);
    const replies = (await this.#run("deleteAll", undefined, pipeline.exec())) ?? [];
    for (const [error] of replies) if (error) throw translateError(error, { operation: "deleteAll", store: this.description });
  }

  /** Runs the script command, registering it on first use (once per client, shared by every store on it). */
  #getAndRenew(redisKey: string, renewMs: number): Promise<Buffer | null> {
    const commands = this.#sender() as unknown as ScriptCommands;
    if (typeof commands[GET_AND_RENEW_BUFFER] !== "function") {
      this.#client.defineCommand(GET_AND_RENEW, { lua: GET_AND_RENEW_SCRIPT, numberOfKeys: 1 });
    }
    return commands[GET_AND_RENEW_BUFFER]!(redisKey, renewMs);
  }

  /** The client, with its socket corked for the rest of this tick (see {@link coalesceWrites}). */
  #sender(): C {
    coalesceWrites(this.#client);
    return this.#client;
  }

  #run<T>(operation: string, key: string | undefined, command: Promise<T>): Promise<T> {
    return this.#deadlines.run(operation, key, command);
  }

  #newDeadlines(timeoutMs: number): OperationDeadlines {
    return new OperationDeadlines(timeoutMs, {
      timeout: (operation) =>
        new StoreUnavailableError({
          store: this.description,
          operation,
          reason: `no answer within ${timeoutMs} ms`,
          // Why the server did not answer, when the connection said so; else the timeout itself.
          cause:
            connectionFailures.get(this.#client)?.lastError ??
            new Error(`The server did not answer ${operation} within ${timeoutMs} ms (operationTimeout).`),
        }),
      error: (error, operation, key) =>
        translateError(error, { operation, store: this.description, key, redisKey: key === undefined ? undefined : this.#prefix + key }),
    });
  }
}

/** The latest connection failure of each client a store owns, until the client is ready again. */
const connectionFailures = new WeakMap<object, { lastError: unknown }>();

/**
 * Listens to the connection of a client the store owns. Without a listener, ioredis and iovalkey
 * print every failed reconnection as an unhandled error event; with this one, the latest failure
 * becomes the `cause` of the timeouts it produces, where the application sees it.
 */
function watchConnection(client: RespClient): void {
  if (connectionFailures.has(client)) return;
  const watch: { lastError: unknown } = { lastError: undefined };
  connectionFailures.set(client, watch);
  client.on("error", (error) => {
    watch.lastError = error;
  });
  client.on("ready", () => {
    watch.lastError = undefined;
  });
}

/** Sockets that sent a command this tick: false while only one went out, true once corked. */
const busySockets = new WeakMap<object, boolean>();

/**
 * ioredis and iovalkey write each command to the socket on its own, one system call each. When a
 * second command is issued in the same tick, the store corks a single-server client's socket
 * until the end of the tick, so the rest of that tick's commands leave in one write (as node-redis
 * does): many operations in flight get much cheaper, and a lone command still leaves at once.
 * Cluster clients have a socket per node and are left as they are.
 */
function coalesceWrites(client: RespClient): void {
  const socket = client.stream;
  if (socket === undefined || socket === null) return;
  const corked = busySockets.get(socket);
  if (corked === undefined) {
    busySockets.set(socket, false);
    process.nextTick(() => {
      if (busySockets.get(socket)) socket.uncork();
      busySockets.delete(socket);
    });
  } else if (!corked) {
    busySockets.set(socket, true);
    socket.cork();
  }
}

function checkClient<C extends RespClient>(client: C | undefined, kind: string): C {
  if (typeof client !== "object" || client === null || typeof client.getBuffer !== "function" || typeof client.defineCommand !== "function") {
    throw new StoreConfigurationError(`the client option must be an ioredis-style client (Redis or Cluster), got ${client === null ? "null" : typeof client}.`, {
      store: kind,
    });
  }
  if (client.options?.keyPrefix) {
    throw new StoreConfigurationError(
      `the client has keyPrefix ${JSON.stringify(client.options.keyPrefix)}, which SCAN does not apply, so deleteAll could not work. ` +
        "Use a client without keyPrefix and the store's namespace option instead.",
      { store: kind },
    );
  }
  return client;
}
