import { randomUUID } from "node:crypto";
import { StoreUnavailableError } from "@stowage/core";
import type { RespStore, RespStoreOptions } from "@stowage/resp-store";
import { RedisStore } from "@stowage/store-redis";
import { ValkeyStore } from "@stowage/store-valkey";
import {
  startCluster,
  startSentinel,
  startServer,
  type ClusterNode,
  type RunningCluster,
  type RunningSentinel,
  type RunningServer,
  type ServerKind,
} from "@stowage/test-servers";
import { Cluster as RedisCluster, Redis } from "ioredis";
import { Cluster as ValkeyCluster, Valkey } from "iovalkey";

/** Both servers, and for each its client library and store class. */
export const KINDS: readonly ServerKind[] = ["redis", "valkey"];

/** The clients the tests use: ioredis for Redis, iovalkey for Valkey (their APIs are the same). */
export type AnyClient = Redis | RedisCluster | Valkey | ValkeyCluster;

/**
 * The clients' wait for a closing socket before destroying it. Disconnecting a client whose
 * server is gone leaves this timer running on a socket that already closed, so with the default
 * (2 s) jest would wait that long to exit.
 */
const DISCONNECT_TIMEOUT_MS = 100;

/** Options for test clients: they fail fast so a test never waits on a dead server. */
const CLIENT_OPTIONS = {
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
  disconnectTimeout: DISCONNECT_TIMEOUT_MS,
};

/** A single-server client of the library that goes with `kind`. */
export function connect(kind: ServerKind, server: Pick<RunningServer, "host" | "port">, options: object = {}): Redis | Valkey {
  const all = { host: server.host, port: server.port, ...CLIENT_OPTIONS, ...options };
  return kind === "redis" ? new Redis(all) : new Valkey(all);
}

/** A Cluster client of the library that goes with `kind`; resolves once it is ready. */
export async function connectCluster(kind: ServerKind, nodes: readonly ClusterNode[]): Promise<RedisCluster | ValkeyCluster> {
  const startup = nodes.map((node) => ({ host: node.host, port: node.port }));
  const cluster =
    kind === "redis"
      ? new RedisCluster(startup, { redisOptions: CLIENT_OPTIONS })
      : new ValkeyCluster(startup, { redisOptions: CLIENT_OPTIONS });
  await new Promise<void>((resolve, reject) => {
    cluster.once("ready", resolve);
    cluster.once("error", reject);
  });
  return cluster;
}

/** Where a Sentinel client looks for its primary: the Sentinels, and the name they monitor it under. */
export interface SentinelAddresses {
  readonly sentinels: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  readonly primaryName: string;
}

/** The ioredis/iovalkey options that make a Sentinel client of the primary `sentinel` monitors. */
export function sentinelOptions(sentinel: SentinelAddresses): { sentinels: Array<{ host: string; port: number }>; name: string } {
  return { sentinels: sentinel.sentinels.map((node) => ({ host: node.host, port: node.port })), name: sentinel.primaryName };
}

/** A Sentinel client of the library that goes with `kind`, on the primary `sentinel` monitors; resolves once it is ready. */
export async function connectSentinel(kind: ServerKind, sentinel: SentinelAddresses, options: object = {}): Promise<Redis | Valkey> {
  const all = { ...sentinelOptions(sentinel), ...CLIENT_OPTIONS, ...options };
  const client = kind === "redis" ? new Redis(all) : new Valkey(all);
  await new Promise<void>((resolve, reject) => {
    client.once("ready", resolve);
    // An error before ready fails the setup. Later ones are failed reconnection rounds (a Sentinel
    // client reports each as an "error" event, which ioredis prints when nobody listens); the
    // tests see them through the stores' errors.
    client.on("error", reject);
  });
  return client;
}

/** The store class that goes with `kind`, on `client`. */
export function storeOn(kind: ServerKind, options: RespStoreOptions<AnyClient>): RespStore<AnyClient> {
  return kind === "redis"
    ? new RedisStore(options as RespStoreOptions<Redis | RedisCluster>)
    : new ValkeyStore(options as RespStoreOptions<Valkey | ValkeyCluster>);
}

/** A root namespace no other test uses. */
export function freshNamespace(label: string): string {
  return `${label}-${randomUUID()}`;
}

/** The class name a store of `kind` reports. */
export function storeName(kind: ServerKind): string {
  return kind === "redis" ? "RedisStore" : "ValkeyStore";
}

/** A single-server client with the library's own defaults (20 retries per command, offline queue, backoff up to 2 s). */
export function connectWithLibraryDefaults(kind: ServerKind, server: Pick<RunningServer, "host" | "port">): Redis | Valkey {
  const options = { disconnectTimeout: DISCONNECT_TIMEOUT_MS };
  return kind === "redis" ? new Redis(server.port, server.host, options) : new Valkey(server.port, server.host, options);
}

/** `RedisStore.withClient` or `ValkeyStore.withClient`, as `kind` says. */
export function storeWithClient(
  kind: ServerKind,
  options: {
    url?: string;
    sentinels?: Array<{ host: string; port: number }>;
    name?: string;
    namespace?: string | null;
    operationTimeout?: string;
    maxRetriesPerRequest?: number;
    disconnectTimeout?: number;
    sentinelRetryStrategy?: (attempt: number) => number;
  },
): RespStore<AnyClient> {
  const all = { disconnectTimeout: DISCONNECT_TIMEOUT_MS, ...options };
  return kind === "redis" ? RedisStore.withClient(all) : ValkeyStore.withClient(all);
}

/** The outcome of one operation and how long it took to settle. */
export interface Outcome {
  error: unknown;
  failed: boolean;
  elapsedMs: number;
}

/** Runs `operation` and records how it settled, never rejecting. */
export async function outcomeOf(operation: () => Promise<unknown>): Promise<Outcome> {
  const start = performance.now();
  try {
    await operation();
    return { error: undefined, failed: false, elapsedMs: performance.now() - start };
  } catch (error) {
    return { error, failed: true, elapsedMs: performance.now() - start };
  }
}

/** Every operation of the contract once, on fresh keys of `store`. */
export function everyOperation(store: RespStore<AnyClient>, label: string): Array<() => Promise<unknown>> {
  const key = `${label}-${randomUUID()}`;
  return [
    () => store.set(key, "value", { expiresIn: "1m" }),
    () => store.set(`${key}-forever`, "value"),
    () => store.get(key),
    () => store.get(key, { renewFor: "2m" }),
    () => store.exists(key),
    () => store.expiresIn(key),
    () => store.delete(key),
    () => store.increment(`${key}-count`, { expiresIn: "1m" }),
    () => store.setIfAbsent(`${key}-once`, "value", { expiresIn: "1m" }),
    () => store.withNamespace(label).keys().next(),
    () => store.withNamespace(label).deleteAll(),
  ];
}

/** Retries `operation` until it succeeds (a reconnecting client), failing after `attempts`. */
export async function eventually<T>(operation: () => Promise<T>, attempts = 100, pauseMs = 100): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/** A server started for the enclosing `describe` block and a client on it; both ready inside tests. */
export interface ServerFixture {
  server: RunningServer;
  client: AnyClient;
}

/**
 * Starts a server of `kind` with a client before the tests of the enclosing `describe` block,
 * and disconnects the client and stops the server after them.
 */
export function useServer(kind: ServerKind): ServerFixture {
  const fixture = {} as ServerFixture;
  beforeAll(async () => {
    fixture.server = await startServer(kind);
    fixture.client = connect(kind, fixture.server);
  });
  afterAll(async () => {
    fixture.client?.disconnect();
    await fixture.server?.stop();
  });
  return fixture;
}

/** A three-primary Cluster started for the enclosing `describe` block and a ready Cluster client on it. */
export interface ClusterFixture {
  cluster: RunningCluster;
  client: AnyClient;
}

/** As {@link useServer}, for a three-primary Cluster (with generous hook timeouts: forming one takes seconds). */
export function useCluster(kind: ServerKind): ClusterFixture {
  const fixture = {} as ClusterFixture;
  beforeAll(async () => {
    fixture.cluster = await startCluster(kind, { primaries: 3 });
    fixture.client = await connectCluster(kind, fixture.cluster.nodes);
  }, 60_000);
  afterAll(async () => {
    // A Cluster client left open after its nodes stop retries forever: disconnect it first.
    fixture.client?.disconnect();
    await fixture.cluster?.stop();
  }, 30_000);
  return fixture;
}

/** A primary with three Sentinels started for the enclosing `describe` block, and a ready Sentinel client on it. */
export interface SentinelFixture {
  sentinel: RunningSentinel;
  client: AnyClient;
}

/** As {@link useServer}, for a primary watched by three Sentinels and a client that finds it through them. */
export function useSentinel(kind: ServerKind): SentinelFixture {
  const fixture = {} as SentinelFixture;
  beforeAll(async () => {
    fixture.sentinel = await startSentinel(kind, { sentinels: 3 });
    fixture.client = await connectSentinel(kind, fixture.sentinel);
  }, 60_000);
  afterAll(async () => {
    fixture.client?.disconnect();
    await fixture.sentinel?.stop();
  }, 30_000);
  return fixture;
}

// The bound the fault tests give the stores, and the slack allowed on top of it for a loaded
// two-core machine: far below what an unbounded client takes (ioredis retries a command 20
// times, reconnecting with a backoff of up to 2 s, before giving up).
export const BOUND_MS = 500;
export const SLACK_MS = 1_500;

/** Every outcome is a `StoreUnavailableError` with a cause, settled within the bound plus slack. */
export function expectUnavailableWithinBound(outcomes: Outcome[]): void {
  for (const outcome of outcomes) {
    expect(outcome.failed).toBe(true);
    expect(StoreUnavailableError.isInstance(outcome.error)).toBe(true);
    expect((outcome.error as Error).cause).toBeDefined();
    expect(outcome.elapsedMs).toBeLessThan(BOUND_MS + SLACK_MS);
  }
}
