import { startBinaryServer } from "./binary-server.js";
import { startContainerServer } from "./container-server.js";
import type { RunningSentinel, RunningServer, ServerKind, StartSentinelOptions } from "./running-server.js";
import { selectVia } from "./select-via.js";
import { sendCommand } from "./send-command.js";
import { startAll, stopOnce } from "./server-group.js";

const DEFAULT_PRIMARY_NAME = "stowage";
const PRIMARY_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SENTINEL_READY_TIMEOUT_MS = 30_000;

/** The configuration a Sentinel needs (it must be a file it can rewrite): the primary to monitor, quorum 1. */
function sentinelConfig(primaryName: string, primaryPort: number): string {
  return `sentinel monitor ${primaryName} 127.0.0.1 ${primaryPort} 1\n`;
}

/** The fields of a `SENTINEL MASTER` reply (a flat list of names and values). */
function fieldsOf(reply: unknown): Map<string, string> {
  const list = Array.isArray(reply) ? reply.map(String) : [];
  return new Map(list.flatMap((value, index) => (index % 2 === 0 ? [[value, list[index + 1] ?? ""] as const] : [])));
}

/**
 * Resolves once the Sentinel on `port` answers `SENTINEL GET-MASTER-ADDR-BY-NAME` with
 * 127.0.0.1:`primaryPort` and is connected to that primary (`SENTINEL MASTER` flags are just
 * `master`, not `master,disconnected`), so it has proven it reaches the primary.
 */
async function waitForPrimary(port: number, primaryName: string, primaryPort: number): Promise<void> {
  const deadline = Date.now() + SENTINEL_READY_TIMEOUT_MS;
  let last: unknown;
  for (;;) {
    try {
      last = await sendCommand(port, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", primaryName], { timeoutMs: 1000 });
      if (Array.isArray(last) && last[0] === "127.0.0.1" && Number(last[1]) === primaryPort) {
        const flags = fieldsOf(await sendCommand(port, ["SENTINEL", "MASTER", primaryName], { timeoutMs: 1000 })).get("flags");
        if (flags === "master") return;
        last = `flags ${flags}`;
      }
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the Sentinel on 127.0.0.1:${port} did not report ${primaryName} at 127.0.0.1:${primaryPort}, connected, within ${SENTINEL_READY_TIMEOUT_MS} ms; ` +
          `last answer: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts a Redis or Valkey primary and `sentinels` Sentinels (default 1) monitoring it under
 * `primaryName` (default `"stowage"`, quorum 1), all on free loopback ports, and resolves once
 * every Sentinel reports the primary's address and is connected to it.
 *
 * The way is chosen as for {@link startServer}, and the primary and the Sentinels run the same
 * way: binaries run `redis-server` / `valkey-server` with `--sentinel` and a configuration file
 * in the Sentinel's temporary directory; containers run the same image with host networking and
 * the file copied in. There are no replicas, so no failover ever happens. Everything started is
 * stopped again when starting fails, and by `stop()`; the exit safety net covers every process.
 *
 * @throws Error when no way is available (naming what is missing), when `sentinels` is not an
 * integer from 1 to 5 or `primaryName` is not 1 to 64 letters, digits, `.`, `_` or `-`, or when
 * a Sentinel does not report the primary within 30 s.
 */
export async function startSentinel(kind: ServerKind, options: StartSentinelOptions = {}): Promise<RunningSentinel> {
  const count = options.sentinels ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 5) {
    throw new Error(`sentinels must be an integer from 1 to 5, not ${String(count)}`);
  }
  const primaryName = options.primaryName ?? DEFAULT_PRIMARY_NAME;
  if (typeof primaryName !== "string" || !PRIMARY_NAME.test(primaryName)) {
    throw new Error(`primaryName must be 1 to 64 letters, digits, ".", "_" or "-", not ${JSON.stringify(primaryName)}`);
  }
  const via = await selectVia(kind, options.via);
  const primary = via === "binary" ? await startBinaryServer(kind) : await startContainerServer(kind);
  const config = () => sentinelConfig(primaryName, primary.port);
  const startSentinelProcess =
    via === "binary"
      ? () => startBinaryServer(kind, { configFile: config, extraArgs: () => ["--sentinel"], readyLine: /\+monitor master/ })
      : () => startContainerServer(kind, { sentinelConfig: config });
  let sentinels: RunningServer[];
  try {
    sentinels = await startAll(count, startSentinelProcess);
  } catch (error) {
    await primary.stop();
    throw error;
  }
  const stopAll = async () => {
    await Promise.all(sentinels.map((sentinel) => sentinel.stop()));
    await primary.stop();
  };
  try {
    await Promise.all(sentinels.map((sentinel) => waitForPrimary(sentinel.port, primaryName, primary.port)));
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    kind,
    via,
    primaryName,
    sentinels: sentinels.map((sentinel) => ({ host: "127.0.0.1", port: sentinel.port })),
    primary,
    stop: stopOnce(stopAll),
  };
}
