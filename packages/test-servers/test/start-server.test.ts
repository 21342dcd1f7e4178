import { sendCommand, startCluster, startServer } from "../src/index.js";
import type { RunningServer } from "../src/index.js";
import { connectOutcome, openConnection, ping, waysMissing, casesUnderTest, KINDS } from "./helpers.js";

const cases = casesUnderTest();

jest.setTimeout(120_000);

describe.each(cases)("startServer(%s) via %s", (kind, via) => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer(kind, { via });
  });

  afterAll(async () => {
    await server?.stop();
  });

  test("answers PING on 127.0.0.1 and reports how it runs", async () => {
    expect(server.kind).toBe(kind);
    expect(server.via).toBe(via);
    expect(server.host).toBe("127.0.0.1");
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await ping(server.port)).toBe("PONG");
    const info = String(await sendCommand(server.port, ["INFO", "server"]));
    // Valkey also reports redis_version (for compatibility); only Valkey has server_name:valkey
    expect(/server_name:valkey/.test(info)).toBe(kind === "valkey");
  });

  test("pause stops answers without closing connections; unpause serves them", async () => {
    const connection = await openConnection(server.port);
    let closed = false;
    void connection.closed.then(() => (closed = true));
    await server.pause();
    await server.pause(); // idempotent
    await expect(ping(server.port, 500)).rejects.toThrow(/no reply within 500 ms/);
    const queued = sendCommand(server.port, ["PING"], { timeoutMs: 30_000 });
    await server.unpause();
    await server.unpause(); // idempotent
    expect(await queued).toBe("PONG");
    expect(await ping(server.port)).toBe("PONG");
    expect(closed).toBe(false);
    connection.socket.destroy();
  });

  test("restart drops connections and comes back empty on the same port", async () => {
    const port = server.port;
    expect(await sendCommand(port, ["SET", "test-servers:restart", "1"])).toBe("OK");
    const connection = await openConnection(port);
    await server.restart();
    await connection.closed;
    expect(server.port).toBe(port);
    expect(await ping(port)).toBe("PONG");
    expect(await sendCommand(port, ["GET", "test-servers:restart"])).toBeNull();
  });

  test("restart of a paused server brings it back answering", async () => {
    await server.pause();
    await server.restart();
    expect(await ping(server.port)).toBe("PONG");
  });
});

describe.each(cases)("stop(%s) via %s", (kind, via) => {
  test("leaves the port closed and is idempotent, even when paused", async () => {
    const server = await startServer(kind, { via });
    expect(await ping(server.port)).toBe("PONG");
    await server.pause();
    await server.stop();
    expect(await connectOutcome(server.port)).toBe("ECONNREFUSED");
    await server.stop();
    await expect(server.restart()).rejects.toThrow(/stopped/);
  });
});

// A machine offering only one way (a laptop with Docker but no binaries, or the reverse) runs the
// tests above for that way; for the other it checks that asking for it says what is missing.
const missingWays = waysMissing();
if (missingWays.length > 0) describe.each(missingWays)("unavailable here: %s", (via) => {
  test("startServer and startCluster reject, naming what is missing", async () => {
    const missing = via === "binary" ? /is not on PATH/ : /no container engine answered|DOCKER_HOST is not set/;
    for (const kind of KINDS) {
      await expect(startServer(kind, { via })).rejects.toThrow(missing);
      await expect(startCluster(kind, { via })).rejects.toThrow(missing);
    }
  });
});
