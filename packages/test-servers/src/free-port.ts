import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const LOWEST_PORT = 10000;
const CLUSTER_BUS_OFFSET = 10000;

/** Resolves whether `port` can be bound on 127.0.0.1 right now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The first port the kernel hands out as a client's source port (Linux:
 * ip_local_port_range, else the IANA default 49152).
 */
function ephemeralRangeStart(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > LOWEST_PORT + CLUSTER_BUS_OFFSET + 1000) return low;
  } catch {
    // not Linux: the IANA default below applies
  }
  return 49152;
}

/**
 * Finds a loopback port that is free now, for a server to bind next.
 *
 * Ports are drawn below the kernel's ephemeral range, so a client connection never holds the
 * port as its source port while a restarted server wants it back. With `withBusPort`, the
 * cluster bus port (port + 10000) must be free too and stays below that range. The port is not
 * reserved: callers retry with another one when the server then fails to bind.
 *
 * @throws Error when no such port was found after 200 attempts.
 */
export async function findFreePort(options: { readonly withBusPort?: boolean } = {}): Promise<number> {
  const highest = ephemeralRangeStart() - 1 - (options.withBusPort ? CLUSTER_BUS_OFFSET : 0);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOWEST_PORT + Math.floor(Math.random() * (highest - LOWEST_PORT + 1));
    if (!(await canBind(port))) continue;
    if (options.withBusPort && !(await canBind(port + CLUSTER_BUS_OFFSET))) continue;
    return port;
  }
  throw new Error(`no free loopback port found on 127.0.0.1 between ${LOWEST_PORT} and ${highest} after 200 attempts`);
}
