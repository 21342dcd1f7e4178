// One worker process of the cross-process tests (cross-process.test.ts). It runs the built
// packages, as an application would, since a separate Node process has no ts-jest.
//
// argv[2] is a JSON task: { kind: "redis" | "valkey", nodes: [{ host, port }], cluster: boolean,
// namespace, key, operation: "increment" | "setIfAbsent", count, inFlight, label }.
// The worker connects, prints "ready", waits for "go" on stdin so that every worker starts at
// once, runs `count` operations with at most `inFlight` at a time, prints one JSON line with
// what each returned, and exits.
import process from "node:process";
import { createInterface } from "node:readline";
import { RedisStore } from "@stowage/store-redis";
import { ValkeyStore } from "@stowage/store-valkey";
import { Cluster as RedisCluster, Redis } from "ioredis";
import { Cluster as ValkeyCluster, Valkey } from "iovalkey";

const task = JSON.parse(process.argv[2]);

function makeClient() {
  const [first] = task.nodes;
  if (task.kind === "redis") return task.cluster ? new RedisCluster(task.nodes) : new Redis(first);
  return task.cluster ? new ValkeyCluster(task.nodes) : new Valkey(first);
}

const client = makeClient();
await new Promise((resolve, reject) => {
  client.once("ready", resolve);
  client.once("error", reject);
});
const Store = task.kind === "redis" ? RedisStore : ValkeyStore;
const store = new Store({ client, namespace: task.namespace, ownsClient: true });

const lines = createInterface({ input: process.stdin });
const go = new Promise((resolve) => lines.once("line", resolve));
process.stdout.write("ready\n");
await go;
lines.close();

const results = new Array(task.count);
let next = 0;
async function lane() {
  while (next < task.count) {
    const index = next++;
    results[index] =
      task.operation === "increment"
        ? await store.increment(task.key)
        : await store.setIfAbsent(task.key, `${task.label}-${index}`, { expiresIn: "1m" });
  }
}
await Promise.all(Array.from({ length: task.inFlight }, lane));
await store.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
