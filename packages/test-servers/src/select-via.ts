import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { findOnPath, SERVER_BINARIES } from "./binary-server.js";
import type { ServerKind, ServerVia } from "./running-server.js";

const ENGINE_PROBE_TIMEOUT_MS = 15_000;

/** Where testcontainers looks for an engine when nothing is configured (Linux and macOS). */
function defaultSocketPaths(): string[] {
  const paths = ["/var/run/docker.sock", join(homedir(), ".docker", "run", "docker.sock"), join(homedir(), ".docker", "desktop", "docker.sock")];
  const runtimeDirectory = process.env["XDG_RUNTIME_DIR"];
  if (runtimeDirectory) paths.push(join(runtimeDirectory, "docker.sock"));
  if (typeof process.getuid === "function") paths.push(`/run/user/${process.getuid()}/docker.sock`);
  return paths;
}

/** Why no engine can answer, without loading testcontainers; `undefined` when one might. */
function noEngineConfigured(): string | undefined {
  if (process.env["DOCKER_HOST"] || process.env["TESTCONTAINERS_HOST_OVERRIDE"]) return undefined;
  if (existsSync(join(homedir(), ".testcontainers.properties"))) return undefined;
  if (process.platform === "win32") return undefined;
  const sockets = defaultSocketPaths();
  if (sockets.some((path) => existsSync(path))) return undefined;
  return `DOCKER_HOST is not set and no Docker socket exists (${sockets.join(", ")})`;
}

let engineProbe: Promise<string | undefined> | undefined;

/**
 * Resolves `undefined` when a container engine answers testcontainers, else the reason it
 * does not. Probed once per module instance.
 */
export function probeContainerEngine(): Promise<string | undefined> {
  engineProbe ??= (async () => {
    const reason = noEngineConfigured();
    if (reason) return reason;
    let timer: NodeJS.Timeout | undefined;
    try {
      const { getContainerRuntimeClient } = await import("testcontainers");
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ENGINE_PROBE_TIMEOUT_MS} ms`)), ENGINE_PROBE_TIMEOUT_MS);
      });
      await Promise.race([getContainerRuntimeClient(), timeout]);
      return undefined;
    } catch (error) {
      const where = process.env["DOCKER_HOST"] ? `DOCKER_HOST=${process.env["DOCKER_HOST"]}` : "the default Docker socket";
      return `no container engine answered at ${where}: ${(error as Error).message}`;
    } finally {
      clearTimeout(timer);
    }
  })();
  return engineProbe;
}

/** The `STOWAGE_SERVERS` environment variable, checked. */
function viaFromEnvironment(): ServerVia | undefined {
  const value = process.env["STOWAGE_SERVERS"]?.trim();
  if (!value || value === "auto") return undefined;
  if (value === "testcontainers" || value === "binary") return value;
  throw new Error(`STOWAGE_SERVERS must be "testcontainers", "binary" or "auto", not ${JSON.stringify(value)}`);
}

/**
 * Decides how to start a server of `kind`: the requested way, else `STOWAGE_SERVERS`, else
 * testcontainers when an engine answers, else the binary on PATH.
 *
 * @throws Error naming what is missing: the engine (testcontainers forced), the binary
 * (binary forced), or both.
 */
export async function selectVia(kind: ServerKind, requested?: ServerVia): Promise<ServerVia> {
  const via = requested ?? viaFromEnvironment();
  const binary = SERVER_BINARIES[kind];
  if (via === "binary") {
    if (!findOnPath(binary)) throw new Error(`cannot start ${kind} as a binary: ${binary} is not on PATH`);
    return via;
  }
  const engineMissing = await probeContainerEngine();
  if (via === "testcontainers") {
    if (engineMissing) throw new Error(`cannot start ${kind} through testcontainers: ${engineMissing}`);
    return via;
  }
  if (!engineMissing) return "testcontainers";
  if (findOnPath(binary)) return "binary";
  throw new Error(
    `cannot start a ${kind} server: ${engineMissing}, and ${binary} is not on PATH. ` +
      `Start Docker (or point DOCKER_HOST at a Docker-compatible engine), or install ${binary}.`,
  );
}
