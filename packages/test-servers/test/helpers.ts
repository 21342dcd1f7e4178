import { Socket } from "node:net";
import { sendCommand } from "../src/index.js";
import type { ServerVia } from "../src/index.js";

/**
 * The ways the tests exercise: both, unless `STOWAGE_SERVERS` forces one (a machine without a
 * container engine runs `STOWAGE_SERVERS=binary`; without it the container tests fail and say
 * what is missing).
 */
export function waysUnderTest(): ServerVia[] {
  const forced = process.env["STOWAGE_SERVERS"];
  if (forced === "binary" || forced === "testcontainers") return [forced];
  return ["binary", "testcontainers"];
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
