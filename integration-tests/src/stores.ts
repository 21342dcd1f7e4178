import { randomUUID } from "node:crypto";
import type { RespStore, RespStoreOptions } from "@stowage/resp-store";
import { RedisStore } from "@stowage/store-redis";
import { ValkeyStore } from "@stowage/store-valkey";
import type { ClusterNode, RunningServer, ServerKind } from "@stowage/test-servers";
import { Cluster as RedisCluster, Redis } from "ioredis";
import { Cluster as ValkeyCluster, Valkey } from "iovalkey";

/** Both servers, and for each its client library and store class. */
export const KINDS: readonly ServerKind[] = ["redis", "valkey"];

/** The clients the tests use: ioredis for Redis, iovalkey for Valkey (their APIs are the same). */
export type AnyClient = Redis | RedisCluster | Valkey | ValkeyCluster;

/** Options for test clients: they fail fast so a test never waits on a dead server. */
const CLIENT_OPTIONS = { maxRetriesPerRequest: 1, retryStrategy: (attempt: number) => Math.min(attempt * 50, 500) };

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
