import { startBinaryServer } from "./binary-server.js";
import { startContainerServer } from "./container-server.js";
import type { RunningCluster, RunningServer, ServerKind, StartClusterOptions } from "./running-server.js";
import { selectVia } from "./select-via.js";
import { sendCommand } from "./send-command.js";
import { startAll, stopOnce } from "./server-group.js";

const SLOT_COUNT = 16384;
const CLUSTER_READY_TIMEOUT_MS = 30_000;

/** Arguments that make a server a cluster node; its state file is named after its port. */
function clusterArgs(port: number): string[] {
  return [
    "--cluster-enabled", "yes",
    "--cluster-config-file", `nodes-${port}.conf`,
    "--cluster-node-timeout", "2000",
  ];
}

/** Fields of CLUSTER INFO as a map. */
function parseInfo(reply: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of String(reply).split(/\r?\n/)) {
    const separator = line.indexOf(":");
    if (separator > 0) fields.set(line.slice(0, separator), line.slice(separator + 1).trim());
  }
  return fields;
}

/**
 * Splits the slots evenly, gives every node its config epoch (as `redis-cli --cluster create`
 * does, so no epoch collision has to be resolved), joins the nodes from the first one, and
 * waits until every node reports the whole cluster healthy.
 */
async function formCluster(servers: ReadonlyArray<RunningServer>): Promise<void> {
  const share = Math.ceil(SLOT_COUNT / servers.length);
  for (const [index, server] of servers.entries()) {
    const first = index * share;
    const last = Math.min(SLOT_COUNT, first + share) - 1;
    const slots = Array.from({ length: last - first + 1 }, (_, offset) => String(first + offset));
    await sendCommand(server.port, ["CLUSTER", "ADDSLOTS", ...slots]);
    await sendCommand(server.port, ["CLUSTER", "SET-CONFIG-EPOCH", String(index + 1)]);
  }
  const [first, ...others] = servers;
  for (const other of others) await sendCommand(first!.port, ["CLUSTER", "MEET", "127.0.0.1", String(other.port)]);
  const deadline = Date.now() + CLUSTER_READY_TIMEOUT_MS;
  for (;;) {
    const infos = await Promise.all(servers.map(async (server) => parseInfo(await sendCommand(server.port, ["CLUSTER", "INFO"]))));
    const healthy = infos.every(
      (info) =>
        info.get("cluster_state") === "ok" &&
        info.get("cluster_known_nodes") === String(servers.length) &&
        info.get("cluster_slots_ok") === String(SLOT_COUNT),
    );
    if (healthy) return;
    if (Date.now() > deadline) {
      const states = infos.map((info, index) =>
        `${servers[index]!.port}: state ${info.get("cluster_state")}, known nodes ${info.get("cluster_known_nodes")}, slots ok ${info.get("cluster_slots_ok")}`,
      );
      throw new Error(`cluster not healthy within ${CLUSTER_READY_TIMEOUT_MS} ms:\n${states.join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts a Redis or Valkey Cluster of `primaries` nodes (default 3, no replicas) on free
 * loopback ports and resolves once every node reports `cluster_state:ok`, all nodes known and
 * all 16384 slots served.
 *
 * The way is chosen as for {@link startServer}. Containers use host networking, so the nodes
 * announce 127.0.0.1 and the ports clients connect to; binaries are plain processes. Every
 * node is stopped again when starting fails, and by `stop()`.
 *
 * @throws Error when no way is available (naming what is missing), when `primaries` is not an
 * integer from 1 to 16, or when the cluster does not become healthy within 30 s.
 */
export async function startCluster(kind: ServerKind, options: StartClusterOptions = {}): Promise<RunningCluster> {
  const primaries = options.primaries ?? 3;
  if (!Number.isInteger(primaries) || primaries < 1 || primaries > 16) {
    throw new Error(`primaries must be an integer from 1 to 16, not ${String(primaries)}`);
  }
  const via = await selectVia(kind, options.via);
  const startNode =
    via === "binary"
      ? () => startBinaryServer(kind, { extraArgs: clusterArgs, withBusPort: true })
      : () => startContainerServer(kind, { extraArgs: clusterArgs, withBusPort: true });
  const servers = await startAll(primaries, startNode);
  const stopAll = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    await formCluster(servers);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    kind,
    via,
    nodes: servers.map((server) => ({ host: "127.0.0.1", port: server.port })),
    stop: stopOnce(stopAll),
  };
}
