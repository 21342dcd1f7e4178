import { sendCommand, startSentinel } from "../src/index.js";
import type { RunningSentinel } from "../src/index.js";
import { KINDS, casesUnderTest, connectOutcome, ping, waysMissing } from "./helpers.js";

const cases = casesUnderTest();

jest.setTimeout(120_000);

/** The fields of an INFO reply as a map. */
function infoFields(reply: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of String(reply).split(/\r?\n/)) {
    const separator = line.indexOf(":");
    if (separator > 0) fields.set(line.slice(0, separator), line.slice(separator + 1).trim());
  }
  return fields;
}

/** The server's mode from INFO server: `redis_mode` (Redis), `server_mode` (Valkey 8). */
async function serverMode(port: number): Promise<string | undefined> {
  const info = infoFields(await sendCommand(port, ["INFO", "server"]));
  return info.get("server_mode") ?? info.get("redis_mode");
}

describe.each(cases)("startSentinel(%s) via %s", (kind, via) => {
  let sentinel: RunningSentinel;

  beforeAll(async () => {
    sentinel = await startSentinel(kind, { via, sentinels: 3 });
  });

  afterAll(async () => {
    await sentinel?.stop();
  });

  test("three Sentinels on 127.0.0.1 report the primary under the default name", async () => {
    expect(sentinel.kind).toBe(kind);
    expect(sentinel.via).toBe(via);
    expect(sentinel.primaryName).toBe("stowage");
    expect(sentinel.sentinels).toHaveLength(3);
    const ports = new Set([sentinel.primary.port, ...sentinel.sentinels.map((node) => node.port)]);
    expect(ports.size).toBe(4);
    for (const node of sentinel.sentinels) {
      expect(node.host).toBe("127.0.0.1");
      expect(await sendCommand(node.port, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "stowage"])).toEqual(["127.0.0.1", String(sentinel.primary.port)]);
      expect(await serverMode(node.port)).toBe("sentinel");
      const info = infoFields(await sendCommand(node.port, ["INFO", "server"]));
      // Valkey also reports redis_version (for compatibility); only Valkey has server_name:valkey
      expect(info.get("server_name") === "valkey").toBe(kind === "valkey");
    }
  });

  test("the primary is a plain primary of the right kind, reachable directly", async () => {
    const { primary } = sentinel;
    expect(primary.kind).toBe(kind);
    expect(primary.via).toBe(via);
    expect(primary.host).toBe("127.0.0.1");
    expect(await ping(primary.port)).toBe("PONG");
    const replication = infoFields(await sendCommand(primary.port, ["INFO", "replication"]));
    expect(replication.get("role")).toBe("master");
    expect(await serverMode(primary.port)).toBe("standalone");
  });

  test("an unknown primary name gets no address", async () => {
    expect(await sendCommand(sentinel.sentinels[0]!.port, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nobody"])).toBeNull();
  });

  test("every Sentinel monitors it as a connected primary, again after the primary restarts", async () => {
    const monitored = async () =>
      Promise.all(
        sentinel.sentinels.map(async (node) => {
          const reply = (await sendCommand(node.port, ["SENTINEL", "MASTER", "stowage"])) as string[];
          const fields = new Map(reply.flatMap((value, index) => (index % 2 === 0 ? [[value, reply[index + 1]]] : [])));
          return [fields.get("ip"), fields.get("port"), fields.get("flags"), fields.get("quorum")];
        }),
      );
    const expected = sentinel.sentinels.map(() => ["127.0.0.1", String(sentinel.primary.port), "master", "1"]);
    expect(await monitored()).toEqual(expected);
    await sentinel.primary.restart();
    expect(await ping(sentinel.primary.port)).toBe("PONG");
    // The Sentinels notice the dropped link and reconnect by themselves (flags "master,disconnected" meanwhile).
    const deadline = Date.now() + 15_000;
    let seen = await monitored();
    while (JSON.stringify(seen) !== JSON.stringify(expected) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = await monitored();
    }
    expect(seen).toEqual(expected);
  });
});

describe.each(cases)("startSentinel(%s) via %s with options", (kind, via) => {
  test("one Sentinel under a given name; stop closes every port and is idempotent", async () => {
    const sentinel = await startSentinel(kind, { via, primaryName: "my-primary.1" });
    expect(sentinel.primaryName).toBe("my-primary.1");
    expect(sentinel.sentinels).toHaveLength(1);
    const port = sentinel.sentinels[0]!.port;
    expect(await sendCommand(port, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "my-primary.1"])).toEqual(["127.0.0.1", String(sentinel.primary.port)]);
    await sentinel.stop();
    await sentinel.stop();
    expect(await connectOutcome(port)).toBe("ECONNREFUSED");
    expect(await connectOutcome(sentinel.primary.port)).toBe("ECONNREFUSED");
  });

  test("rejects a Sentinel count that is not an integer from 1 to 5, and a bad primary name, before starting anything", async () => {
    await expect(startSentinel(kind, { via, sentinels: 0 })).rejects.toThrow("sentinels must be an integer from 1 to 5, not 0");
    await expect(startSentinel(kind, { via, sentinels: 1.5 })).rejects.toThrow(/not 1.5/);
    await expect(startSentinel(kind, { via, primaryName: "has space" })).rejects.toThrow('primaryName must be 1 to 64 letters, digits, ".", "_" or "-", not "has space"');
    await expect(startSentinel(kind, { via, primaryName: "" })).rejects.toThrow(/not ""/);
  });
});

// A way the machine lacks: asking for it says what is missing, as for startServer.
const missingWays = waysMissing();
if (missingWays.length > 0) describe.each(missingWays)("unavailable here: %s", (via) => {
  test("startSentinel rejects, naming what is missing", async () => {
    const missing = via === "binary" ? /is not on PATH/ : /no container engine answered|DOCKER_HOST is not set/;
    for (const kind of KINDS) await expect(startSentinel(kind, { via })).rejects.toThrow(missing);
  });
});
