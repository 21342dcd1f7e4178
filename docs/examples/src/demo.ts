/**
 * The Stowage demo: a StoreRegistry whose root, one MemoryStore, hands every name a namespace
 * of its own, used the way a web application's integrations use it. Run it with `pnpm demo`.
 */
import { StoreRegistry, json, text, typed } from "@stowage/core";
import { RateLimiter } from "@stowage/rate-limit";
import { MemoryStore } from "@stowage/store-memory";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string) => console.log(line);

interface Session {
  user: string;
  cart: string[];
}

async function main(): Promise<void> {
  // One storage for the whole application; every integration gets its own namespace of it.
  // The registry owns the root: closing the registry (when main() returns) closes the root too.
  const root = new MemoryStore({ maxEntries: 10_000, sweepInterval: "30s" });
  await using registry = new StoreRegistry({ root });

  say("1. Response cache: an entry that expires");
  const responses = typed(registry.get("response_cache"), text());
  await responses.set("GET /products", "<ul><li>kettle</li></ul>", { expiresIn: "300ms" });
  say(`   cached body:       ${await responses.get("GET /products")}`);
  say(`   expires in:        ${(await responses.expiresIn("GET /products"))?.toFixed(3)} s`);
  await sleep(350);
  say(`   after 350 ms:      ${await responses.get("GET /products")} (expired, gone on every read path)`);

  say("2. Sessions: renewed on every read");
  const sessions = typed(registry.get("sessions"), json<Session>());
  await sessions.set("sid-42", { user: "ada", cart: ["kettle"] }, { expiresIn: "2s" });
  await sleep(500);
  say(`   before the read:   ${(await sessions.expiresIn("sid-42"))?.toFixed(3)} s left`);
  const session = await sessions.get("sid-42", { renewFor: "30m" });
  say(`   read:              ${JSON.stringify(session)}`);
  say(`   after the read:    ${(await sessions.expiresIn("sid-42"))?.toFixed(0)} s left (renewed for 30 minutes)`);

  say("3. Rate limit: a fixed window per client, one atomic increment per request");
  // @stowage/rate-limit counts in the registry's "rate_limit" store; the window starts with the
  // first request and later requests never extend it.
  const limiter = new RateLimiter({ registry, limit: 3, window: "1m" });
  for (let request = 1; request <= 5; request++) {
    const { allowed, count, resetAt } = await limiter.hit("203.0.113.7");
    const windowLeft = (resetAt.getTime() - Date.now()) / 1_000;
    say(`   request ${request}:         ${allowed ? "allowed" : "rejected (429)"} (count ${count}, window ${windowLeft.toFixed(1)} s)`);
  }

  say("4. A lock with an expiry: exactly one caller wins");
  const locks = registry.get("locks");
  const attempts = await Promise.all(["worker-a", "worker-b", "worker-c"].map((worker) => locks.setIfAbsent("nightly-report", worker, { expiresIn: "10s" })));
  say(`   winners:           ${attempts.filter(Boolean).length} of ${attempts.length} (held by ${(await locks.get("nightly-report"))?.toString()})`);

  say("5. deleteAll of one namespace leaves the others intact");
  await responses.set("GET /about", "<p>about us</p>");
  await registry.get("response_cache").deleteAll();
  say(`   response_cache:    ${await responses.exists("GET /about") ? "still there" : "emptied"}`);
  say(`   sessions:          ${(await sessions.get("sid-42"))?.user ?? "lost"} is still logged in`);
  say(`   rate_limit:        ${(await limiter.get("203.0.113.7")) ? "counter kept" : "counter lost"}`);
  say(`   entries in root:   ${root.size}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
