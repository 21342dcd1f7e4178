/*
 * A child process for the cross-process tests: plain CommonJS on the built packages (the
 * parent checks that the builds are fresh). argv[2] is a JSON task. It prints one JSON line
 * when ready, waits for "go" on stdin, does its part, prints one JSON line of results, and
 * exits; any failure prints {"error": ...} and exits with 1.
 *
 * Tasks:
 * - {"mode":"hits", backend, location, namespace, prefix, id, limit, window, hits, inFlight}:
 *   `hits` RateLimiter hits on `id`, `inFlight` at a time; results: { allowed, counts }.
 * - {"mode":"express", location, namespace, prefix, limit}: an Express app limited by
 *   express-rate-limit on a RateLimitStore over Redis; ready line: { port }; it serves until
 *   stdin closes.
 */
const { RateLimiter, RateLimitStore } = require("../dist/index.cjs");

function openStore(task) {
  if (task.backend === "file") {
    const { FileStore } = require("@stowage/store-file");
    return new FileStore({ path: task.location }).withNamespace(task.namespace);
  }
  if (task.backend === "redis") {
    const { RedisStore } = require("@stowage/store-redis");
    return RedisStore.withClient({ url: task.location, namespace: task.namespace });
  }
  if (task.backend === "valkey") {
    const { ValkeyStore } = require("@stowage/store-valkey");
    return ValkeyStore.withClient({ url: task.location, namespace: task.namespace });
  }
  throw new Error(`unknown backend ${task.backend}`);
}

const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

function waitForGo() {
  return new Promise((resolve) => {
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => chunk.includes("go") && resolve());
  });
}

async function hits(task, store) {
  const limiter = new RateLimiter({ store, limit: task.limit, window: task.window, prefix: task.prefix });
  print({ ready: true });
  await waitForGo();
  const counts = [];
  let allowed = 0;
  let next = 0;
  const lane = async () => {
    while (next < task.hits) {
      next++;
      const result = await limiter.hit(task.id);
      counts.push(result.count);
      if (result.allowed) allowed++;
    }
  };
  await Promise.all(Array.from({ length: task.inFlight }, lane));
  print({ allowed, counts });
}

async function expressApp(task, store) {
  const express = require("express");
  const { rateLimit } = require("express-rate-limit");
  const app = express();
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: task.limit,
      standardHeaders: "draft-6",
      legacyHeaders: false,
      keyGenerator: (request) => request.get("x-client") ?? "anonymous",
      store: new RateLimitStore({ store, prefix: task.prefix }),
    }),
  );
  app.get("/", (_request, response) => void response.send(String(process.pid)));
  const server = app.listen(0, "127.0.0.1", () => print({ port: server.address().port }));
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on("end", resolve));
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

async function main() {
  const task = JSON.parse(process.argv[2]);
  const store = openStore(task);
  try {
    if (task.mode === "hits") await hits(task, store);
    else if (task.mode === "express") await expressApp(task, store);
    else throw new Error(`unknown mode ${task.mode}`);
  } finally {
    await store.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    print({ error: String(error?.stack ?? error) });
    process.exit(1);
  },
);
