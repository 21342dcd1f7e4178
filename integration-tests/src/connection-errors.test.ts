import { StoreConfigurationError, StoreUnavailableError } from "@stowage/core";
import type { ServerKind } from "@stowage/test-servers";
import { KINDS, connect, connectWithLibraryDefaults, freshNamespace, storeOn, storeWithClient, useServer } from "./stores.js";

// Port 1 on loopback refuses every connection. A store listens to its client's connection, so the
// client's own error (ECONNREFUSED and the address, WRONGPASS, the Sentinels' answer) becomes the
// cause and part of the message of what the application sees, instead of "max retries per
// request" or a bare timeout, and instead of unhandled error events printed by the client.
const CLOSED = { host: "127.0.0.1", port: 1 } as const;

/** Runs `operation` and gives back its rejection (failing the test if it resolves). */
async function rejectionOf(operation: () => Promise<unknown>): Promise<Error> {
  const outcome = await operation().then(
    () => new Error("expected a rejection"),
    (failure: unknown) => failure,
  );
  expect(outcome).not.toEqual(new Error("expected a rejection"));
  return outcome as Error;
}

/** Every message and `code` along the `cause` chain. */
function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let link = error; link instanceof Error; link = link.cause) parts.push(`${link.message} ${(link as { code?: string }).code ?? ""}`);
  return parts.join(" <- ");
}

/** Spies on console.error to check that the client printed no unhandled error event. */
async function withoutUnhandledErrors(body: () => Promise<void>): Promise<void> {
  const printed = jest.spyOn(console, "error").mockImplementation(() => {});
  try {
    await body();
    expect(printed.mock.calls.filter((call) => String(call[0]).includes("Unhandled error event"))).toEqual([]);
  } finally {
    printed.mockRestore();
  }
}

function expectRefused(error: Error): void {
  expect(StoreUnavailableError.isInstance(error)).toBe(true);
  expect(error.message).toContain("ECONNREFUSED 127.0.0.1:1");
  expect(error.cause).toMatchObject({ code: "ECONNREFUSED", address: "127.0.0.1", port: 1 });
}

describe.each(KINDS)("%s: a refused connection names ECONNREFUSED and the address", (kind) => {
  test("withClient with its defaults (the client gives up after one retry)", async () => {
    await withoutUnhandledErrors(async () => {
      const store = storeWithClient(kind, { url: "redis://127.0.0.1:1" });
      try {
        expectRefused(await rejectionOf(() => store.get("k")));
      } finally {
        await store.close();
      }
    });
  });

  test("withClient whose client keeps retrying: the operation's deadline ends it, with the connection's error", async () => {
    await withoutUnhandledErrors(async () => {
      const options = { url: "redis://127.0.0.1:1", operationTimeout: "300ms", maxRetriesPerRequest: 50, disconnectTimeout: 50 };
      const store = storeWithClient(kind, options);
      try {
        const error = await rejectionOf(() => store.increment("k"));
        expectRefused(error);
        expect(error.message).toMatch(/no answer within 300 ms/);
      } finally {
        await store.close();
      }
    });
  });

  test("a handed client, failing fast or retrying with the library's defaults", async () => {
    await withoutUnhandledErrors(async () => {
      for (const client of [connect(kind, CLOSED), connectWithLibraryDefaults(kind, CLOSED)]) {
        const store = storeOn(kind, { client, operationTimeout: "500ms" });
        try {
          expectRefused(await rejectionOf(() => store.set("k", "v")));
          expectRefused(await rejectionOf(() => store.setIfAbsent("k", "v")));
        } finally {
          await store.close();
          client.disconnect();
        }
      }
    });
  });
});

describe.each(KINDS)("%s: Sentinels that cannot be reached are named", (kind) => {
  // Rounds of asking the Sentinels at most 100 ms apart: the client's pending retry timer is not
  // cleared by disconnect, and with the default (up to 1 s) jest would wait for it.
  const sentinelOptions = { sentinels: [CLOSED], name: "mymaster", sentinelRetryStrategy: (attempt: number) => Math.min(attempt * 10, 100) };

  function expectSentinelFailure(error: Error): void {
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/no answer within 300 ms; the connection failed: All sentinels are unreachable/);
    expect(error.message).toContain("sentinel 127.0.0.1:1");
    expect(causeChain(error)).toMatch(/All sentinels are unreachable/);
  }

  test("withClient({ sentinels, name })", async () => {
    await withoutUnhandledErrors(async () => {
      const store = storeWithClient(kind, { ...sentinelOptions, operationTimeout: "300ms" });
      try {
        expectSentinelFailure(await rejectionOf(() => store.get("k")));
      } finally {
        await store.close();
      }
    });
  });

  test("a handed Sentinel client", async () => {
    await withoutUnhandledErrors(async () => {
      const client = connect(kind, CLOSED, { ...sentinelOptions, maxRetriesPerRequest: 50 });
      const store = storeOn(kind, { client, operationTimeout: "300ms" });
      try {
        expectSentinelFailure(await rejectionOf(() => store.exists("k")));
      } finally {
        await store.close();
        client.disconnect();
      }
    });
  });
});

describe.each(KINDS)("%s: a wrong password is a configuration error naming WRONGPASS", (kind: ServerKind) => {
  const fixture = useServer(kind);
  const user = `stowage-${kind}`;

  beforeAll(async () => {
    await fixture.client.call("ACL", "SETUSER", user, "on", ">right", "~*", "+@all");
  });

  function expectWrongPassword(error: Error): void {
    expect(StoreConfigurationError.isInstance(error)).toBe(true);
    expect(error.message).toContain("WRONGPASS");
    expect(causeChain(error)).toContain("WRONGPASS");
  }

  test("withClient", async () => {
    await withoutUnhandledErrors(async () => {
      const store = storeWithClient(kind, { url: `redis://${user}:wrong@${fixture.server.host}:${fixture.server.port}`, namespace: freshNamespace("auth") });
      try {
        expectWrongPassword(await rejectionOf(() => store.get("k")));
        expectWrongPassword(await rejectionOf(() => store.increment("k")));
      } finally {
        await store.close();
      }
    });
  });

  test("a handed client", async () => {
    await withoutUnhandledErrors(async () => {
      const client = connect(kind, fixture.server, { username: user, password: "wrong" });
      const store = storeOn(kind, { client, namespace: freshNamespace("auth") });
      try {
        expectWrongPassword(await rejectionOf(() => store.set("k", "v")));
      } finally {
        await store.close();
        client.disconnect();
      }
    });
  });

  test("the right password works", async () => {
    const store = storeWithClient(kind, { url: `redis://${user}:right@${fixture.server.host}:${fixture.server.port}`, namespace: freshNamespace("auth") });
    try {
      expect(await store.increment("k")).toBe(1);
    } finally {
      await store.close();
    }
  });
});
