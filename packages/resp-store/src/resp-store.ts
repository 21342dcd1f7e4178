import {
  ownedCopy,
  BaseStore,
  InvalidArgumentError,
  StoreConfigurationError,
  StoreUnavailableError,
  addToCounter,
  assertValidKey,
  assertValidNamespaceName,
  decodeCounter,
  timerDurationToMilliseconds,
  type Duration,
} from "@stowage/core";
import calculateSlot from "cluster-key-slot";
import { entryKeyPrefix, entryMatchPattern, namespaceMatchPattern } from "./key-layout.js";
import { OperationDeadlines } from "./operation-deadlines.js";
import { copyForSending, releaseWhenSettled } from "./sent-bytes.js";
import type { RespClient, RespNodeClient } from "./resp-client.js";
import { INCREMENT_REFUSED, SCRIPTS, runScript } from "./scripts.js";
import { connectionFailureOf, describeConnectionFailure, watchConnection } from "./connection-watch.js";
import { connectionError, translateError } from "./translate-error.js";

/** The root namespace when none is given. */
export const DEFAULT_NAMESPACE = "stowage";
/** The bound on every round trip when none is given: 2 seconds. */
export const DEFAULT_OPERATION_TIMEOUT_MS = 2_000;
/** How many keys `deleteAll` asks SCAN for per page (SCAN's COUNT hint) and removes per UNLINK. */
export const SCAN_PAGE_SIZE = 1_000;

/** Options of {@link RespStore} and of the stores built on it. */
export interface RespStoreOptions<C extends RespClient = RespClient> {
  /** The client to send commands through: a single-server, Sentinel or Cluster client. */
  client: C;
  /**
   * The root namespace, `"stowage"` when left out. Every Redis key the store writes starts with
   * it (see the key layout). `null` works on the bare keyspace: keys are stored exactly as given,
   * `deleteAll` and `withNamespace` refuse with `StoreConfigurationError`.
   */
  namespace?: string | null | undefined;
  /** Whether `close()` closes the client too. Default false: the client stays open for its owner. */
  ownsClient?: boolean | undefined;
  /**
   * How long any round trip may take before the operation rejects with
   * `StoreUnavailableError`: while the server is down, unreachable or not answering. Default 2 s.
   */
  operationTimeout?: Duration | undefined;
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
  // writeEntry and writeEntryIfAbsent make the copy themselves (see copyForSending).
  protected override readonly copiesValues = false;
  // A string value is sent as it is: the client writes an all-string command as one string,
  // where bytes make it copy the command into a new Buffer (and the store copy them first).
  protected override readonly acceptsStrings = true;
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
      watchConnection(this.#client);
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
    const client = this.#sender();
    const command = renewMs === undefined ? client.getBuffer(redisKey) : (runScript(client, SCRIPTS.getAndRenew, redisKey, renewMs) as Promise<Buffer | null>);
    return this.#deadlines.runMapped("get", key, command, ownValue);
  }

  protected writeEntry(key: string, value: Uint8Array | string, ttlMs: number | undefined): Promise<void> {
    const bytes = copyForSending(value);
    const redisKey = this.#prefix + key;
    const client = this.#sender();
    const command = ttlMs === undefined ? client.set(redisKey, bytes) : client.set(redisKey, bytes, "PX", ttlMs);
    releaseWhenSettled(bytes, command);
    return this.#deadlines.runDiscarding("set", key, command);
  }

  protected incrementEntry(key: string, by: number, ttlMs: number | undefined): Promise<number> {
    const command = runScript(this.#sender(), SCRIPTS.increment, this.#prefix + key, String(by), ttlMs ?? "");
    // The reply is the new value's text, or an array saying why nothing changed.
    return this.#deadlines.runMapped("increment", key, command, (reply) =>
      Array.isArray(reply) ? this.#refusedIncrement(reply, key, by) : Number((reply as Buffer).toString("latin1")),
    );
  }

  protected writeEntryIfAbsent(key: string, value: Uint8Array | string, ttlMs: number | undefined): Promise<boolean> {
    const bytes = copyForSending(value);
    const redisKey = this.#prefix + key;
    const client = this.#sender();
    // SET NX answers OK when it wrote and nil when a live entry was there; an expired one counts as absent.
    const command = ttlMs === undefined ? client.set(redisKey, bytes, "NX") : client.set(redisKey, bytes, "PX", ttlMs, "NX");
    releaseWhenSettled(bytes, command);
    return this.#deadlines.runMapped("setIfAbsent", key, command, wrote);
  }

  /**
   * SCANs for this namespace's entries only (`<path>|*`, escaped: a child's keys start with
   * `<path>:`), on every primary of a Cluster one after the other, a page at a time. The server
   * skips expired keys; each page's keys are decoded from the layout and yielded as one batch.
   */
  protected async *listKeys(): AsyncGenerator<readonly string[]> {
    const pattern = this.#path === undefined ? "*" : entryMatchPattern(this.#path);
    const prefixBytes = Buffer.byteLength(this.#prefix);
    for (const server of await this.#servers("keys")) {
      for await (const page of this.#scan("keys", server, pattern)) {
        const keys: string[] = [];
        for (const redisKey of page) {
          const key = decodeEntryKey(redisKey, prefixBytes);
          if (key !== undefined) keys.push(key);
        }
        if (keys.length > 0) yield keys;
      }
    }
  }

  protected deleteEntry(key: string): Promise<void> {
    return this.#deadlines.runDiscarding("delete", key, this.#sender().unlink(this.#prefix + key));
  }

  protected hasEntry(key: string): Promise<boolean> {
    return this.#deadlines.runMapped("exists", key, this.#sender().exists(this.#prefix + key), (count) => count > 0);
  }

  protected entryTtl(key: string): Promise<number | null> {
    return this.#deadlines.runMapped("expiresIn", key, this.#sender().pttl(this.#prefix + key), ttlFromPttl);
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
    const unlink = client.isCluster
      ? (keys: Buffer[]) => this.#unlinkBySlot(keys)
      : (keys: Buffer[]) => this.#run("deleteAll", undefined, client.unlink(...keys));
    await Promise.all((await this.#servers("deleteAll")).map((server) => this.#deleteMatching(server, pattern, unlink)));
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
   * Removes each page of keys `server` has for `pattern` with `unlink` while the next page is
   * being scanned, so at most one page of keys is held and at most one UNLINK is in flight.
   */
  async #deleteMatching(server: RespNodeClient, pattern: string, unlink: (keys: Buffer[]) => Promise<unknown>): Promise<void> {
    let unlinking: Promise<unknown> = Promise.resolve(undefined);
    for await (const keys of this.#scan("deleteAll", server, pattern)) {
      const failure = await unlinking;
      if (failure !== undefined) throw failure;
      // Resolves to the error instead of rejecting, so a failure waits for us without being unhandled.
      unlinking = unlink(keys).then(() => undefined, (error: unknown) => error);
    }
    const failure = await unlinking;
    if (failure !== undefined) throw failure;
  }

  /** The non-empty pages of keys `server` has for `pattern`, one `SCAN` round trip per page. */
  async *#scan(operation: string, server: RespNodeClient, pattern: string): AsyncGenerator<Buffer[]> {
    let cursor = "0";
    do {
      const [next, keys] = await this.#run(operation, undefined, server.scanBuffer(cursor, "MATCH", pattern, "COUNT", SCAN_PAGE_SIZE));
      cursor = next.toString();
      if (keys.length > 0) yield keys;
    } while (cursor !== "0");
  }

  /** What to SCAN: the client itself, or every primary of a Cluster. */
  async #servers(operation: string): Promise<RespNodeClient[]> {
    const client = this.#client;
    if (!client.isCluster) return [client];
    // A Cluster lists its nodes only once it is ready; any command waits for that.
    if (client.status !== "ready") await this.#run(operation, undefined, client.exists(this.#prefix));
    const primaries = client.nodes?.("master") ?? [];
    if (primaries.length === 0) {
      throw new StoreUnavailableError({ store: this.description, operation, reason: "the Cluster client knows no primary node" });
    }
    return primaries;
  }

  /** Throws the error for an increment the script refused, as core's counter helpers word it. */
  #refusedIncrement(reply: unknown, key: string, by: number): never {
    const [code, current] = reply as [number, Buffer];
    const value = decodeCounter(current, key, this.description);
    if (code === INCREMENT_REFUSED.overflow) addToCounter(value, by, key, this.description);
    // Unreachable while the script and core agree on what a counter is.
    throw new InvalidArgumentError({ argument: `entry ${JSON.stringify(key)}`, value: current, expected: "a counter the server accepts", store: this.description });
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
      timeout: (operation) => {
        const waited = `no answer within ${timeoutMs} ms`;
        // Why the server did not answer, when the connection said so; else the timeout itself.
        const failure = connectionFailureOf(this.#client);
        if (failure) return connectionError(operation, this.description, `${waited}; the connection failed: ${describeConnectionFailure(failure)}`, failure.error);
        const cause = new Error(`The server did not answer ${operation} within ${timeoutMs} ms (operationTimeout).`);
        return new StoreUnavailableError({ store: this.description, operation, reason: waited, cause });
      },
      error: (error, operation, key) =>
        translateError(error, {
          operation,
          store: this.description,
          key,
          redisKey: key === undefined ? undefined : this.#prefix + key,
          connection: connectionFailureOf(this.#client),
        }),
    });
  }
}

/** The sockets corked this tick, uncorked together at its end; empty between ticks. */
const corkedSockets = new Set<{ cork(): void; uncork(): void }>();

/**
 * ioredis and iovalkey write each command to the socket on its own, one system call each. The
 * store corks a single-server client's socket on its first command of a tick and uncorks it at
 * the end of the tick (as node-redis does), so all of that tick's commands leave in one write:
 * many operations in flight get much cheaper, and a lone command still leaves in the same tick.
 * Cluster clients have a socket per node and are left as they are.
 */
function coalesceWrites(client: RespClient): void {
  const socket = client.stream;
  if (socket === undefined || socket === null || corkedSockets.has(socket)) return;
  if (corkedSockets.size === 0) process.nextTick(uncorkAll);
  corkedSockets.add(socket);
  socket.cork();
}

function uncorkAll(): void {
  const sockets = [...corkedSockets];
  corkedSockets.clear();
  for (const socket of sockets) socket.uncork();
}

/**
 * The value `get` returns, owning its memory. The client's reply can be a view into the socket
 * chunk it arrived in, shared with other replies: the caller could then read or overwrite
 * other entries' bytes through `value.buffer`, and keep the whole chunk alive. Such a reply is
 * copied into an ArrayBuffer of its own (never Node's shared pool); one that already owns its
 * whole ArrayBuffer is returned as it is, without a copy.
 */
export function ownValue(reply: Buffer | null): Buffer | null {
  if (reply === null || (reply.byteOffset === 0 && reply.buffer.byteLength === reply.byteLength)) return reply;
  return ownedCopy(reply);
}

/** Whether `SET ... NX` wrote: it answers OK, or nil when the key was taken. */
function wrote(reply: unknown): boolean {
  return reply !== null;
}

/**
 * `expiresIn` in milliseconds from a PTTL reply: -2 (missing) and -1 (no expiry) give null. PTTL
 * answers 0 in the last millisecond of a key that GET and EXISTS still see; that live entry
 * reports 1 ms (0.001 s, the smallest positive value at the contract's resolution), never null.
 */
export function ttlFromPttl(ms: number): number | null {
  if (ms < 0) return null;
  return ms === 0 ? 1 : ms;
}

/**
 * The key of an entry from its Redis key: the bytes after the namespace's prefix, as UTF-8.
 * Undefined for a Redis key that no `set` could have written (nothing after the prefix, or
 * bytes that are not UTF-8): another program wrote it, and it is nobody's key here.
 */
function decodeEntryKey(redisKey: Buffer, prefixBytes: number): string | undefined {
  if (redisKey.byteLength <= prefixBytes) return undefined;
  try {
    return UTF8.decode(redisKey.subarray(prefixBytes));
  } catch {
    return undefined;
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

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
