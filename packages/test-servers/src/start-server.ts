import { startBinaryServer } from "./binary-server.js";
import { startContainerServer } from "./container-server.js";
import type { RunningServer, ServerKind, StartServerOptions } from "./running-server.js";
import { selectVia } from "./select-via.js";

/**
 * Starts a Redis or Valkey server on a free 127.0.0.1 port and resolves once it accepts
 * connections.
 *
 * The way is `options.via`, else the `STOWAGE_SERVERS` environment variable
 * (`testcontainers` | `binary` | `auto`), else testcontainers when a container engine answers
 * (`DOCKER_HOST`, or the default socket), else the `redis-server` / `valkey-server` binary on
 * PATH. Containers run the image named by `STOWAGE_REDIS_IMAGE` / `STOWAGE_VALKEY_IMAGE`
 * (default `redis:7.4` / `valkey/valkey:8.0`) with host networking, so a restart keeps the
 * port. The caller must `stop()` the server; a safety net stops it when the process exits.
 *
 * @throws Error naming what is missing when no way is available (never skips silently), or
 * when the server does not start (with its log tail).
 */
export async function startServer(kind: ServerKind, options: StartServerOptions = {}): Promise<RunningServer> {
  const via = await selectVia(kind, options.via);
  if (via === "binary") return startBinaryServer(kind);
  return startContainerServer(kind);
}
