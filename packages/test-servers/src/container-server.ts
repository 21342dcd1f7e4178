import { spawnSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
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
  /**
   * Runs a Sentinel (`--sentinel`) with this configuration text for the chosen port, copied to
   * {@link SENTINEL_CONFIG_PATH} (the images' writable working directory: a Sentinel rewrites its file).
   */
  readonly sentinelConfig?: (port: number) => string;
}

/** Where a Sentinel's configuration file goes in its container. */
export const SENTINEL_CONFIG_PATH = "/data/sentinel.conf";

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
 * process title template; a Sentinel's ID), so a server another process started on the same
 * port in the meantime is never taken for ours. Log-based waiting sometimes missed the "Ready to accept
 * connections" line after a restart on Podman. Fails fast when the container exits (e.g. the
 * port was taken).
 */
class ReadyWaitStrategy implements WaitStrategy {
  private startupTimeoutMs = 60_000;
  private startupTimeoutSet = false;

  /** @param isOurs - sends the command that identifies the server and says whether the reply is this container's. */
  constructor(
    private readonly port: number,
    private readonly isOurs: (port: number) => Promise<boolean>,
  ) {}

  async waitUntilReady(container: Parameters<WaitStrategy["waitUntilReady"]>[0]): Promise<void> {
    const deadline = Date.now() + this.startupTimeoutMs;
    let lastError: unknown;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      try {
        if (await this.isOurs(this.port)) return;
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

/** The token in a server's process title (`CONFIG GET` answers it). */
function serverIdentity(token: string): { args: string[]; isOurs: (port: number) => Promise<boolean> } {
  return {
    args: ["--proc-title-template", `{title} {listen-addr} {server-mode} ${token}`],
    isOurs: async (port) => {
      const reply = await sendCommand(port, ["CONFIG", "GET", "proc-title-template"], { timeoutMs: 1000 });
      return Array.isArray(reply) && String(reply[1]).includes(token);
    },
  };
}

/** A Sentinel has no `CONFIG GET`: its ID (40 hex digits, set in its file) derived from the token identifies it. */
function sentinelIdentity(token: string): { myid: string; isOurs: (port: number) => Promise<boolean> } {
  const myid = createHash("sha1").update(token).digest("hex");
  return { myid, isOurs: async (port) => (await sendCommand(port, ["SENTINEL", "MYID"], { timeoutMs: 1000 })) === myid };
}

async function startContainer(kind: ServerKind, port: number, options: ContainerServerOptions): Promise<StartedTestContainer> {
  const { GenericContainer } = await import("testcontainers");
  const token = `stowage-${randomUUID()}`;
  const common = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...(options.extraArgs?.(port) ?? [])];
  // Host networking: the server binds the chosen loopback port itself, so a restart keeps it
  // and cluster nodes announce addresses clients can reach. `--bind` keeps it off other interfaces.
  const container = new GenericContainer(serverImage(kind)).withNetworkMode("host").withLabels({ "org.stowage.test-servers": kind });
  if (options.sentinelConfig) {
    const identity = sentinelIdentity(token);
    // mode 0666: the official images' entrypoint runs the server as an unprivileged user
    const content = `${options.sentinelConfig(port)}\nsentinel myid ${identity.myid}\n`;
    container
      .withCopyContentToContainer([{ content, target: SENTINEL_CONFIG_PATH, mode: 0o666 }])
      .withCommand([SERVER_BINARIES[kind], SENTINEL_CONFIG_PATH, "--sentinel", ...common])
      .withWaitStrategy(new ReadyWaitStrategy(port, identity.isOurs));
  } else {
    const identity = serverIdentity(token);
    container.withCommand([SERVER_BINARIES[kind], ...common, ...identity.args]).withWaitStrategy(new ReadyWaitStrategy(port, identity.isOurs));
  }
  return container.withStartupTimeout(60_000).start();
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
      container = await startContainer(kind, port, options);
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
      await untilSilent(port);
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

/**
 * Resolves once the server on `port` no longer answers PING (within 300 ms): an engine can report
 * a container paused a moment before its processes are frozen, and a test that pauses a server
 * must not race a command past the pause.
 *
 * @throws Error when the server still answers after 10 s.
 */
async function untilSilent(port: number): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
    try {
      await sendCommand(port, ["PING"], { timeoutMs: 300 });
    } catch {
      return;
    }
  }
  throw new Error(`the server on port ${port} still answers 10 s after its container was paused`);
}
