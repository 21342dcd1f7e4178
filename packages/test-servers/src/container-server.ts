import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
// testcontainers is loaded on first use only: binary-only runs never load it
import type { StartedTestContainer, WaitStrategy } from "testcontainers";
import { SERVER_BINARIES } from "./binary-server.js";
import { onProcessExit } from "./exit-cleanup.js";
import { findFreePort } from "./free-port.js";
import type { RunningServer, ServerKind } from "./running-server.js";
import { sendCommand } from "./send-command.js";

/** Official images, pinned; `STOWAGE_REDIS_IMAGE` / `STOWAGE_VALKEY_IMAGE` override them. */
export const DEFAULT_IMAGES: Readonly<Record<ServerKind, string>> = { redis: "redis:7.4", valkey: "valkey/valkey:8.0" };

/** The image a server of `kind` runs: the environment's choice, else the pinned default. */
export function serverImage(kind: ServerKind): string {
  const variable = kind === "redis" ? "STOWAGE_REDIS_IMAGE" : "STOWAGE_VALKEY_IMAGE";
  return process.env[variable]?.trim() || DEFAULT_IMAGES[kind];
}

/** Options for {@link startContainerServer}. */
export interface ContainerServerOptions {
  /** Extra server arguments for the chosen port (cluster nodes add `--cluster-enabled yes`...). */
  readonly extraArgs?: (port: number) => string[];
  /** The port + 10000 must be free too (cluster bus). */
  readonly withBusPort?: boolean;
}

const START_ATTEMPTS = 3;

/** How the exit handler reaches the engine: the socket or address dockerode uses. */
interface EngineAddress {
  readonly socketPath?: string;
  readonly host?: string;
  readonly port?: number;
}

/**
 * Removes containers synchronously from an exit handler: a child Node.js process sends
 * `DELETE /containers/<id>?force=true` for each. Plain HTTP only (unix socket or tcp); where
 * the engine needs TLS, Ryuk (testcontainers' own reaper) is the safety net.
 */
const REMOVE_SCRIPT = `
const http = require("node:http");
const { address, ids } = JSON.parse(process.argv[1]);
let pending = ids.length;
for (const id of ids) {
  const request = http.request({ ...address, method: "DELETE", path: "/containers/" + id + "?force=true&v=true", timeout: 5000 });
  request.on("response", (response) => { response.resume(); if (--pending === 0) process.exit(0); });
  request.on("error", () => { if (--pending === 0) process.exit(0); });
  request.on("timeout", () => request.destroy());
  request.end();
}`;

const liveContainers = new Map<string, EngineAddress>();
let exitCleanupRegistered = false;

function removeLiveContainersNow(): void {
  const byAddress = new Map<string, { address: EngineAddress; ids: string[] }>();
  for (const [id, address] of liveContainers) {
    const key = JSON.stringify(address);
    const group = byAddress.get(key) ?? { address, ids: [] };
    group.ids.push(id);
    byAddress.set(key, group);
  }
  liveContainers.clear();
  for (const group of byAddress.values()) {
    spawnSync(process.execPath, ["-e", REMOVE_SCRIPT, JSON.stringify(group)], { stdio: "ignore", timeout: 10_000 });
  }
}

function trackContainer(id: string, address: EngineAddress | undefined): void {
  if (!address) return;
  liveContainers.set(id, address);
  if (!exitCleanupRegistered) {
    exitCleanupRegistered = true;
    onProcessExit(removeLiveContainersNow);
  }
}

/** The plain-HTTP address of the engine dockerode talks to, if it is one the exit handler can use. */
function engineAddress(modem: { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown }): EngineAddress | undefined {
  if (typeof modem.socketPath === "string") return { socketPath: modem.socketPath };
  if (typeof modem.host === "string" && modem.protocol !== "https") return { host: modem.host, port: Number(modem.port) || 2375 };
  return undefined;
}

/**
 * Ready when the server on the host port answers with this container's token (a comment in its
 * process title template), so a server another process started on the same port in the
 * meantime is never taken for ours. Log-based waiting sometimes missed the "Ready to accept
 * connections" line after a restart on Podman. Fails fast when the container exits (e.g. the
 * port was taken).
 */
class ReadyWaitStrategy implements WaitStrategy {
  private startupTimeoutMs = 60_000;
  private startupTimeoutSet = false;

  constructor(
    private readonly port: number,
    private readonly token: string,
  ) {}

  async waitUntilReady(container: Parameters<WaitStrategy["waitUntilReady"]>[0]): Promise<void> {
    const deadline = Date.now() + this.startupTimeoutMs;
    let lastError: unknown;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      try {
        const reply = await sendCommand(this.port, ["CONFIG", "GET", "proc-title-template"], { timeoutMs: 1000 });
        if (Array.isArray(reply) && String(reply[1]).includes(this.token)) return;
        lastError = new Error(`another server answers on port ${this.port}`);
      } catch (error) {
        lastError = error;
      }
      if (attempt % 10 === 9) {
        const state = (await container.inspect()).State;
        if (!state.Running) throw new Error(`container exited (${state.Status}, code ${state.ExitCode}) before answering on port ${this.port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`container not answering on 127.0.0.1:${this.port} within ${this.startupTimeoutMs} ms: ${String(lastError)}`);
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.startupTimeoutMs = startupTimeoutMs;
    this.startupTimeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.startupTimeoutSet;
  }

  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }
}

/** Whether an engine error says the container is already gone. */
function isNoSuchContainer(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404 || /no such container/i.test(String(error));
}

async function startContainer(kind: ServerKind, port: number, extraArgs: string[]): Promise<StartedTestContainer> {
  const { GenericContainer } = await import("testcontainers");
  const token = `stowage-${randomUUID()}`;
  const command = [
    SERVER_BINARIES[kind], "--port", String(port), "--bind", "127.0.0.1",
    "--save", "", "--appendonly", "no",
    "--proc-title-template", `{title} {listen-addr} {server-mode} ${token}`,
    ...extraArgs,
  ];
  // Host networking: the server binds the chosen loopback port itself, so a restart keeps it
  // and cluster nodes announce addresses clients can reach. `--bind` keeps it off other interfaces.
  return new GenericContainer(serverImage(kind))
    .withNetworkMode("host")
    .withCommand(command)
    .withLabels({ "org.stowage.test-servers": kind })
    .withWaitStrategy(new ReadyWaitStrategy(port, token))
    .withStartupTimeout(60_000)
    .start();
}

/**
 * Starts a server of `kind` in a container (image from {@link serverImage}) with host
 * networking on a free loopback port. Pause and unpause go through the engine's API, restart
 * kills and starts the same container (same port), stop removes it.
 *
 * @throws Error when the container does not start (testcontainers' error, e.g. a missing
 * image, or the port taken three times in a row).
 */
export async function startContainerServer(kind: ServerKind, options: ContainerServerOptions = {}): Promise<RunningServer> {
  const { getContainerRuntimeClient } = await import("testcontainers");
  const client = await getContainerRuntimeClient();
  const address = engineAddress(client.container.dockerode.modem as unknown as Record<string, unknown>);
  let container: StartedTestContainer | undefined;
  let port = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS && !container; attempt++) {
    port = await findFreePort({ withBusPort: options.withBusPort ?? false });
    try {
      container = await startContainer(kind, port, options.extraArgs?.(port) ?? []);
    } catch (error) {
      // another process may have bound the port after the check: try another one
      lastError = error;
    }
  }
  if (!container) throw lastError;
  const started = container;
  trackContainer(started.getId(), address);
  const engineContainer = client.container.getById(started.getId());
  let paused = false;
  let stopped = false;
  const assertRunning = () => {
    if (stopped) throw new Error(`${kind} container on port ${port} is stopped`);
  };
  const unpause = async () => {
    if (!paused) return;
    await engineContainer.unpause();
    paused = false;
  };
  return {
    kind,
    host: "127.0.0.1",
    port,
    url: `redis://127.0.0.1:${port}`,
    via: "testcontainers",
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await unpause();
        await started.stop({ remove: true, timeout: 0 });
      } catch (error) {
        // a failed restart already removed it (testcontainers does when the wait fails)
        if (!isNoSuchContainer(error)) throw error;
      }
      liveContainers.delete(started.getId());
    },
    async pause() {
      assertRunning();
      if (paused) return;
      await engineContainer.pause();
      paused = true;
    },
    async unpause() {
      assertRunning();
      await unpause();
    },
    async restart() {
      assertRunning();
      await unpause();
      await started.restart({ timeout: 0 });
    },
  };
}
