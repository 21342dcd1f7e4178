import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Starts `server` (an app's `node:http` server) on a free port of 127.0.0.1 and resolves the
 * port.
 *
 * @throws the server's `error` (rejects), for example when it is already listening.
 */
export function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Closes `server` and every connection it still holds (keep-alive ones included), so a test
 * never waits for idle sockets to time out.
 *
 * @throws what `server.close` reports (rejects), for example a server that is not running.
 */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
