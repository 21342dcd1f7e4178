import { startServer } from "@stowage/test-servers";
import { closeAll, type BackendSuite, type Contender } from "./contender.js";

/** What a suite needs of a raw client of its own: a health check, a reset and a way out. */
export interface AdminClient {
  ping(): Promise<unknown>;
  flushall(): Promise<unknown>;
  quit(): Promise<unknown>;
}

/**
 * A Redis-protocol suite: a server of its own (stopped when the suite closes, or when building
 * the contenders fails), an admin client for resets, and the contenders `contendersFor` makes for
 * the server's URL.
 */
export async function respSuite(
  backend: "redis" | "valkey",
  connect: (url: string) => AdminClient,
  contendersFor: (url: string) => Contender[],
): Promise<BackendSuite> {
  const server = await startServer(backend);
  const admin = connect(server.url);
  const contenders: Contender[] = [];
  const close = async () => {
    try {
      await closeAll([...contenders, { close: () => admin.quit().then(() => undefined) }]);
    } finally {
      await server.stop();
    }
  };
  try {
    contenders.push(...contendersFor(server.url));
    await admin.ping();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    backend,
    contenders,
    sampleEvery: 1,
    // The server is the bench's own, started above: flushing it touches nobody else's data.
    reset: () => admin.flushall().then(() => undefined),
    close,
  };
}
