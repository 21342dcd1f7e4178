import { StoreUnavailableError } from "@stowage/core";
import type { RespStore } from "@stowage/resp-store";
import { startServer, type RunningServer } from "@stowage/test-servers";
import {
  KINDS,
  connectWithLibraryDefaults,
  eventually,
  everyOperation,
  freshNamespace,
  outcomeOf,
  storeOn,
  storeWithClient,
  type AnyClient,
  type Outcome,
  BOUND_MS,
  SLACK_MS,
  expectUnavailableWithinBound,
} from "./stores.js";


function expectSuccessOrUnavailable(outcomes: Outcome[]): void {
  for (const outcome of outcomes) {
    if (outcome.failed) expect(StoreUnavailableError.isInstance(outcome.error)).toBe(true);
    expect(outcome.elapsedMs).toBeLessThan(BOUND_MS + SLACK_MS);
  }
}

// The tests of a kind share one server and run in order: the last one stops it for good.
describe.each(KINDS)("%s: faults", (kind) => {
  let server: RunningServer;
  let userClient: AnyClient;
  let owned: RespStore<AnyClient>;
  let onUserClient: RespStore<AnyClient>;

  beforeAll(async () => {
    server = await startServer(kind);
    owned = storeWithClient(kind, { url: server.url, namespace: freshNamespace("faults"), operationTimeout: `${BOUND_MS}ms` });
    // A client as an application makes it, with the library's defaults: the store's own bound still applies.
    userClient = connectWithLibraryDefaults(kind, server);
    onUserClient = storeOn(kind, { client: userClient, namespace: freshNamespace("faults"), operationTimeout: `${BOUND_MS}ms` });
  });

  afterAll(async () => {
    await owned?.close();
    await onUserClient?.close();
    userClient?.disconnect();
    await server?.stop();
  });

  test("scripts flushed from the server (NOSCRIPT) are loaded again transparently", async () => {
    for (const store of [owned, onUserClient]) {
      await store.set("renewed", "value", { expiresIn: "1m" });
      expect(Buffer.from((await store.get("renewed", { renewFor: "10m" }))!).toString()).toBe("value");
      await (store.client as AnyClient).script("FLUSH");
      expect(Buffer.from((await store.get("renewed", { renewFor: "1h" }))!).toString()).toBe("value");
      expect(await store.expiresIn("renewed")).toBeGreaterThan(3_000);
    }
  });

  test("a paused server makes operations reject with StoreUnavailableError within the bound; then the store works", async () => {
    for (const store of [owned, onUserClient]) await store.set("paused", "before");
    await server.pause();
    try {
      const outcomes = await Promise.all([owned, onUserClient].flatMap((store) => everyOperation(store, "paused").map(outcomeOf)));
      expectUnavailableWithinBound(outcomes);
      expect((outcomes[0]!.error as StoreUnavailableError).message).toContain(`no answer within ${BOUND_MS} ms`);
    } finally {
      await server.unpause();
    }
    for (const store of [owned, onUserClient]) {
      await eventually(() => store.set("paused", "after"));
      expect(Buffer.from((await store.get("paused"))!).toString()).toBe("after");
    }
  });

  test("a restarted server loses the data, and the same stores work again (scripts reloaded)", async () => {
    for (const store of [owned, onUserClient]) await store.set("restart", "before", { expiresIn: "1m" });
    const during = Promise.all([owned, onUserClient].flatMap((store) => everyOperation(store, "restart").map(outcomeOf)));
    await server.restart();
    expectSuccessOrUnavailable(await during);
    for (const store of [owned, onUserClient]) {
      await eventually(() => store.set("restart", "after", { expiresIn: "1m" }));
      expect(Buffer.from((await store.get("restart", { renewFor: "5m" }))!).toString()).toBe("after");
      expect(await store.expiresIn("restart")).toBeGreaterThan(120);
      for (const operation of everyOperation(store, "after-restart")) await operation();
    }
  });

  test("a server stopped mid-traffic: every operation settles, those after the stop with StoreUnavailableError within the bound", async () => {
    for (const store of [owned, onUserClient]) for (const operation of everyOperation(store, "warm")) await operation();
    const stores = [owned, onUserClient];
    const inFlight = Promise.all(stores.flatMap((store) => everyOperation(store, "in-flight").map(outcomeOf)));
    await server.stop();
    const after = await Promise.all(stores.flatMap((store) => everyOperation(store, "after-stop").map(outcomeOf)));
    // Later too, once the clients are in their reconnect loops.
    await new Promise((resolve) => setTimeout(resolve, BOUND_MS));
    const later = await Promise.all(stores.flatMap((store) => everyOperation(store, "later").map(outcomeOf)));
    expectSuccessOrUnavailable(await inFlight);
    expectUnavailableWithinBound(after);
    expectUnavailableWithinBound(later);
    // Closing a store whose own client cannot reach the server is bounded too.
    const closing = await outcomeOf(() => owned.close());
    expect(closing.failed).toBe(false);
    expect(closing.elapsedMs).toBeLessThan(BOUND_MS + SLACK_MS);
  });
});
