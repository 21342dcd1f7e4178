import { spawn } from "node:child_process";
import { join } from "node:path";
import type { ServerVia } from "../src/index.js";
import { connectOutcome, waysUnderTest } from "./helpers.js";

jest.setTimeout(120_000);

const fixture = join(__dirname, "fixtures", "start-and-leave.cjs");

/** Runs the fixture; resolves with the ports it printed and the child, still running or exited. */
function leaveServers(via: ServerVia, shape: "server" | "cluster" | "sentinel", mode: "exit" | "hang") {
  const child = spawn(process.execPath, [fixture, "valkey", via, shape, mode], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ports = new Promise<number[]>((resolve, reject) => {
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("\n")) resolve(JSON.parse(stdout) as number[]);
    });
    child.once("exit", (code) => reject(new Error(`fixture exited with ${code} before printing ports:\n${stderr}`)));
  });
  return { child, exited, ports };
}

/** Polls until every port refuses connections; the watchdog checks once a second. */
async function expectClosedSoon(ports: number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const outcomes = await Promise.all(ports.map(connectOutcome));
    if (outcomes.every((outcome) => outcome === "ECONNREFUSED") || Date.now() > deadline) {
      expect(outcomes).toEqual(ports.map(() => "ECONNREFUSED"));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.each(waysUnderTest())("safety net via %s", (via) => {
  test("a process that exits without stop() leaves no server behind", async () => {
    const run = leaveServers(via, "server", "exit");
    const ports = await run.ports;
    await run.exited;
    await expectClosedSoon(ports);
  });

  test("a process that exits without stop() leaves no cluster node behind", async () => {
    const run = leaveServers(via, "cluster", "exit");
    const ports = await run.ports;
    expect(ports).toHaveLength(2);
    await run.exited;
    await expectClosedSoon(ports);
  });

  test("a process that exits without stop() leaves neither a Sentinel nor its primary behind", async () => {
    const run = leaveServers(via, "sentinel", "exit");
    const ports = await run.ports;
    expect(ports).toHaveLength(3);
    await run.exited;
    await expectClosedSoon(ports);
  });
});

describe("safety net via binary, process killed", () => {
  // Only binaries have a watchdog; containers of a SIGKILLed run are Ryuk's or the CI teardown's.
  const binaryUnderTest = waysUnderTest().includes("binary");
  (binaryUnderTest ? test : test.skip)("a SIGKILLed process leaves no server behind", async () => {
    const run = leaveServers("binary", "server", "hang");
    const ports = await run.ports;
    expect(await connectOutcome(ports[0]!)).toBe("connected");
    run.child.kill("SIGKILL");
    await run.exited;
    await expectClosedSoon(ports);
  });

  (binaryUnderTest ? test : test.skip)("a SIGKILLed process leaves neither a Sentinel nor its primary behind", async () => {
    const run = leaveServers("binary", "sentinel", "hang");
    const ports = await run.ports;
    for (const port of ports) expect(await connectOutcome(port)).toBe("connected");
    run.child.kill("SIGKILL");
    await run.exited;
    await expectClosedSoon(ports);
  });
});
