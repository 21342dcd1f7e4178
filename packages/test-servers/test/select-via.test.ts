import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

jest.setTimeout(60_000);

const saved = { ...process.env };
let emptyDirectory: string;

beforeEach(() => {
  emptyDirectory = mkdtempSync(join(tmpdir(), "stowage-empty-path-"));
});

afterEach(() => {
  process.env = { ...saved };
  rmSync(emptyDirectory, { recursive: true, force: true });
});

/** A fresh copy of the package, so the engine probe runs again under the current environment. */
async function freshModule(): Promise<typeof import("../src/index.js")> {
  let loaded: typeof import("../src/index.js") | undefined;
  await jest.isolateModulesAsync(async () => {
    loaded = await import("../src/index.js");
  });
  return loaded!;
}

test("STOWAGE_SERVERS accepts only testcontainers, binary or auto", async () => {
  process.env["STOWAGE_SERVERS"] = "docker";
  const { startServer } = await freshModule();
  await expect(startServer("redis")).rejects.toThrow('STOWAGE_SERVERS must be "testcontainers", "binary" or "auto", not "docker"');
});

test("binary forced without the binary on PATH names the missing binary", async () => {
  process.env["PATH"] = emptyDirectory;
  const { startServer, startCluster, startSentinel } = await freshModule();
  await expect(startServer("valkey", { via: "binary" })).rejects.toThrow("cannot start valkey as a binary: valkey-server is not on PATH");
  await expect(startCluster("redis", { via: "binary" })).rejects.toThrow("cannot start redis as a binary: redis-server is not on PATH");
  await expect(startSentinel("valkey", { via: "binary" })).rejects.toThrow("cannot start valkey as a binary: valkey-server is not on PATH");
});

test("testcontainers forced with an engine that does not answer names the engine", async () => {
  process.env["DOCKER_HOST"] = `unix://${join(emptyDirectory, "docker.sock")}`;
  delete process.env["TESTCONTAINERS_HOST_OVERRIDE"];
  const { startServer } = await freshModule();
  const attempt = startServer("redis", { via: "testcontainers" });
  if (existsSync("/var/run/docker.sock")) {
    // testcontainers falls back to the default socket, which answers on this machine
    const server = await attempt;
    await server.stop();
  } else {
    await expect(attempt).rejects.toThrow(`cannot start redis through testcontainers: no container engine answered at DOCKER_HOST=unix://${emptyDirectory}`);
  }
});

test("with neither an engine nor the binary, the error names both", async () => {
  process.env["DOCKER_HOST"] = `unix://${join(emptyDirectory, "docker.sock")}`;
  process.env["PATH"] = emptyDirectory;
  delete process.env["STOWAGE_SERVERS"];
  delete process.env["TESTCONTAINERS_HOST_OVERRIDE"];
  const { startServer } = await freshModule();
  const attempt = startServer("valkey");
  if (existsSync("/var/run/docker.sock")) {
    const server = await attempt;
    expect(server.via).toBe("testcontainers");
    await server.stop();
  } else {
    await expect(attempt).rejects.toThrow(/no container engine answered at DOCKER_HOST=unix:\/\/.*, and valkey-server is not on PATH/);
  }
});

test("without an engine, auto mode falls back to the binary", async () => {
  delete process.env["DOCKER_HOST"];
  delete process.env["STOWAGE_SERVERS"];
  delete process.env["TESTCONTAINERS_HOST_OVERRIDE"];
  process.env["HOME"] = emptyDirectory; // no ~/.testcontainers.properties, no ~/.docker sockets
  process.env["XDG_RUNTIME_DIR"] = emptyDirectory;
  const { startServer } = await freshModule();
  const server = await startServer("redis");
  try {
    expect(server.via).toBe(existsSync("/var/run/docker.sock") ? "testcontainers" : "binary");
  } finally {
    await server.stop();
  }
});
