import { StoreUnavailableError } from "@stowage/core";
import { RedisStore } from "@stowage/store-redis";
import { ValkeyStore } from "@stowage/store-valkey";
import { KINDS } from "./stores.js";

// No server: port 1 on loopback refuses every connection. A store that owns its client listens to
// the connection, so its failures become the cause of the timeouts the application sees, instead
// of unhandled error events printed by the client.
describe.each(KINDS)("%s: a store that owns its client, with no server to reach", (kind) => {
  test("times out with the connection's own error as cause, and leaves no unhandled error event", async () => {
    const printed = jest.spyOn(console, "error").mockImplementation(() => {});
    // Many retries per command, so the operation's own deadline is what ends it.
    const options = { url: "redis://127.0.0.1:1", operationTimeout: "300ms", maxRetriesPerRequest: 50, disconnectTimeout: 50 };
    const store = kind === "redis" ? RedisStore.withClient(options) : ValkeyStore.withClient(options);
    try {
      const error = await store.get("k").then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(StoreUnavailableError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/no answer within 300 ms/);
      expect((error as Error).cause).toMatchObject({ code: "ECONNREFUSED" });
      const unhandled = printed.mock.calls.filter((call) => String(call[0]).includes("Unhandled error event"));
      expect(unhandled).toEqual([]);
    } finally {
      await store.close();
      printed.mockRestore();
    }
  });
});
