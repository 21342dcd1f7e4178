import { spawn } from "node:child_process";
import path from "node:path";
import { startServer, type RunningServer } from "@stowage/test-servers";
import { Redis } from "ioredis";
import { freshNamespace } from "./stores.js";

/**
 * How long the child may take to start, connect, run its operations and exit. It needs well
 * under a second on an idle machine; the bound is generous because CI runs every package's tests
 * at once on two cores. A process kept alive by an open connection never exits: it is killed at
 * the bound and the test fails.
 */
const EXIT_BOUND_MS = 20_000;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runProcess(args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: __dirname, stdio: ["ignore", "pipe", "pipe"], timeout: EXIT_BOUND_MS });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe("StoreRegistry with a Redis root, in a process of its own", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer("redis");
  });
  afterAll(async () => {
    await server?.stop();
  });

  test("works through registry.get and exits by itself after registry.close()", async () => {
    const namespace = freshNamespace("registry-root");
    const script = path.join(__dirname, "..", "fixtures", "registry-root-process.mjs");
    const outcome = await runProcess([script, server.url, namespace]);
    expect(outcome).toMatchObject({ signal: null, stderr: "", code: 0 });
    expect(JSON.parse(outcome.stdout)).toEqual({ page: "<html></html>", session: { user: "ada" }, hits: 2, lock: true });
    // What the process wrote is on the server, under the root's namespace.
    const client = new Redis(server.url);
    try {
      const keys = await client.keys(`${namespace}*`);
      expect(keys.length).toBe(4);
    } finally {
      client.disconnect();
    }
  }, EXIT_BOUND_MS + 10_000);
});
