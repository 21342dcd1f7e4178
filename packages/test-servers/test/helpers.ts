import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Socket } from "node:net";
import { delimiter, join } from "node:path";
import { sendCommand } from "../src/index.js";
import type { ServerKind, ServerVia } from "../src/index.js";

/** Whether testcontainers finds an engine here, probed in a child process (tests need it synchronously). */
function engineAnswers(): boolean {
  const probe = 'require("testcontainers").getContainerRuntimeClient().then(() => process.exit(0), () => process.exit(1))';
  return spawnSync(process.execPath, ["-e", probe], { cwd: join(__dirname, ".."), stdio: "ignore", timeout: 30_000 }).status === 0;
}

function binariesOnPath(): boolean {
  return ["redis-server", "valkey-server"].every((name) =>
    (process.env["PATH"] ?? "").split(delimiter).some((directory) => directory && existsSync(join(directory, name))),
  );
}

let available: ServerVia[] | undefined;

/** The ways this machine offers: the engine answers, and both binaries are on PATH. */
function availableWays(): ServerVia[] {
  available ??= [...(binariesOnPath() ? (["binary"] as const) : []), ...(engineAnswers() ? (["testcontainers"] as const) : [])];
  return available;
}

/**
 * The ways the tests exercise fully: the one `STOWAGE_SERVERS` forces, else every way this
 * machine offers (CI offers both), else both (so the tests fail, saying what is missing).
 */
export function waysUnderTest(): ServerVia[] {
  const forced = process.env["STOWAGE_SERVERS"];
  if (forced === "binary" || forced === "testcontainers") return [forced];
  const ways = availableWays();
  return ways.length > 0 ? ways : ["binary", "testcontainers"];
}

/** Both kinds of server. */
export const KINDS: readonly ServerKind[] = ["redis", "valkey"];

/** Every (kind, way) pair the tests exercise fully. */
export function casesUnderTest(): Array<readonly [ServerKind, ServerVia]> {
  return waysUnderTest().flatMap((via) => KINDS.map((kind) => [kind, via] as const));
}

/** The ways this machine lacks when nothing is forced: the tests check their errors instead. */
export function waysMissing(): ServerVia[] {
  const forced = process.env["STOWAGE_SERVERS"];
  if (forced === "binary" || forced === "testcontainers") return [];
  const tested = waysUnderTest();
  return (["binary", "testcontainers"] as const).filter((via) => !tested.includes(via));
}

/** PING on a fresh connection; resolves with the reply. */
export function ping(port: number, timeoutMs = 2000): Promise<unknown> {
  return sendCommand(port, ["PING"], { timeoutMs });
}

/** Resolves with the error code of a connection attempt (e.g. ECONNREFUSED), or "connected". */
export function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.connect(port, "127.0.0.1");
  });
}

/** An open connection that records when the server closes it. */
export async function openConnection(port: number): Promise<{ closed: Promise<void>; socket: Socket }> {
  const socket = new Socket();
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("error", () => undefined); // a reset is the expected way for a killed server to drop it
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
    socket.connect(port, "127.0.0.1");
  });
  return { closed, socket };
}
