import { MemoryStore, StoreCorruptionError } from "@stowage/core";
import type { ResponseCacheErrorContext } from "./report-error.js";
import type { CacheRequest } from "./request-key.js";
import { ResponseCache, type Lookup } from "./response-cache.js";

const request = (target: string, headers: Record<string, string> = {}): CacheRequest => ({
  method: "GET",
  host: "h",
  target,
  header: (name) => headers[name],
});

function complete(lookup: Lookup, body: string, headers: Array<[string, string]> = []): void {
  if (lookup.kind !== "miss") throw new Error(`expected a miss, got ${lookup.kind}`);
  expect(lookup.capture.accepts(200, headers)).toBe(true);
  lookup.capture.complete(new TextEncoder().encode(body));
}

const bodyOf = (lookup: Lookup) => (lookup.kind === "hit" ? new TextDecoder().decode(lookup.response.body) : lookup.kind);

describe("the cross-process lock (two caches on one store stand for two processes)", () => {
  let store: MemoryStore;
  beforeEach(() => (store = new MemoryStore()));
  afterEach(() => store.close());

  test("one cache computes; the other waits for its response instead of running the handler", async () => {
    const first = new ResponseCache({ store, lock: { wait: "5s", pollInterval: "10ms" } });
    const second = new ResponseCache({ store, lock: { wait: "5s", pollInterval: "10ms" } });
    const leader = await first.lookup(request("/x"), undefined);
    expect(leader.kind).toBe("miss");
    const waiting = second.lookup(request("/x"), undefined);
    // Well past a few poll intervals, so the second cache is really waiting, not yet polling once.
    await new Promise((resolve) => setTimeout(resolve, 50));
    complete(leader, "computed once");
    expect(bodyOf(await waiting)).toBe("computed once");
  });

  test("a holder that stores nothing releases the lock, and the waiter computes at once", async () => {
    const first = new ResponseCache({ store, lock: { wait: "10s", pollInterval: "10ms" } });
    const second = new ResponseCache({ store, lock: { wait: "10s", pollInterval: "10ms" } });
    const leader = await first.lookup(request("/y"), undefined);
    const waiting = second.lookup(request("/y"), undefined);
    if (leader.kind !== "miss") throw new Error("expected a miss");
    expect(leader.capture.accepts(500, [])).toBe(false);
    const started = performance.now();
    expect((await waiting).kind).toBe("miss");
    // Far below the 10 s wait: the waiter saw the lock go.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test("past lock.wait the waiter computes itself", async () => {
    const first = new ResponseCache({ store, lock: { wait: "100ms", pollInterval: "10ms" } });
    const second = new ResponseCache({ store, lock: { wait: "100ms", pollInterval: "10ms" } });
    expect((await first.lookup(request("/z"), undefined)).kind).toBe("miss");
    expect((await second.lookup(request("/z"), undefined)).kind).toBe("miss");
  });
});

test("a value that is not an entry is reported as StoreCorruptionError, treated as a miss and replaced", async () => {
  const store = new MemoryStore();
  const errors: Array<[unknown, ResponseCacheErrorContext]> = [];
  const cache = new ResponseCache({ store, onError: (error, context) => errors.push([error, context]) });
  await store.set(JSON.stringify(["GET", "h", "/c", []]), "<html>not an entry</html>");
  const lookup = await cache.lookup(request("/c"), undefined);
  expect(errors).toHaveLength(1);
  expect(StoreCorruptionError.isInstance(errors[0]![0])).toBe(true);
  expect((errors[0]![0] as StoreCorruptionError).message).toContain("MemoryStore");
  expect(errors[0]![1]).toEqual({ operation: "read", key: JSON.stringify(["GET", "h", "/c", []]) });
  complete(lookup, "fresh");
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(bodyOf(await new ResponseCache({ store }).lookup(request("/c"), undefined))).toBe("fresh");
  await store.close();
});

test("a failed write is reported to onError with its key", async () => {
  const store = new MemoryStore();
  const errors: ResponseCacheErrorContext[] = [];
  const cache = new ResponseCache({ store, onError: (_error, context) => errors.push(context) });
  const lookup = await cache.lookup(request("/w"), undefined);
  await store.close();
  complete(lookup, "x");
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(errors).toEqual([{ operation: "write", key: JSON.stringify(["GET", "h", "/w", []]) }]);
});

test("an onError that throws does not break the request (both errors go to the default warning)", async () => {
  const store = new MemoryStore();
  await store.close();
  const cache = new ResponseCache({ store, onError: () => { throw new Error("logger down"); } });
  // The warning itself goes to Node's process (jest's sandbox cannot listen to it): the lookup still resolves.
  expect((await cache.lookup(request("/t"), undefined)).kind).toBe("miss");
});
