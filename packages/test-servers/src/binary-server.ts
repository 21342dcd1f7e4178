import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { onProcessExit } from "./exit-cleanup.js";
import { findFreePort } from "./free-port.js";
import type { RunningServer, ServerKind } from "./running-server.js";

/** The server binary of each kind, looked up on PATH. */
export const SERVER_BINARIES: Readonly<Record<ServerKind, string>> = { redis: "redis-server", valkey: "valkey-server" };

const READY_LINE = /Ready to accept connections/;
/** The name of the configuration file written by {@link BinaryServerOptions.configFile}. */
const CONFIG_FILE = "server.conf";
const ADDRESS_IN_USE = /Address already in use/;
const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;

/** The absolute path of an executable on PATH, or `undefined`. */
export function findOnPath(name: string): string | undefined {
  for (const directory of (process.env["PATH"] ?? "").split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Options for {@link startBinaryServer}. */
export interface BinaryServerOptions {
  /** Extra server arguments for the chosen port (cluster nodes add `--cluster-enabled yes`...). */
  readonly extraArgs?: (port: number) => string[];
  /** The port + 10000 must be free too (cluster bus). */
  readonly withBusPort?: boolean;
  /**
   * The text of a configuration file for the chosen port, written into the server's temporary
   * directory (writable, as a Sentinel needs: it rewrites its file) and passed as the first argument.
   */
  readonly configFile?: (port: number) => string;
  /** The log line that says the server is up; default "Ready to accept connections" (a Sentinel logs `+monitor master` instead). */
  readonly readyLine?: RegExp;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the child has exited (at once when it already has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

function readLog(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/**
 * A watchdog that kills the server and removes its directory when this Node.js process dies
 * without running its exit handlers (SIGKILL, a crashed Jest worker). It ends by itself once
 * the server is gone.
 */
function spawnWatchdog(serverPid: number, directory: string): ChildProcess {
  // alive PID: signalable and not a zombie (a reparented child may never be reaped here)
  const script =
    'alive() { kill -0 "$1" 2>/dev/null || return 1; ' +
    '[ -r "/proc/$1/stat" ] || return 0; [ "$(sed "s/.*) //" "/proc/$1/stat" | cut -c1)" != Z ]; }; ' +
    'while alive "$1" && alive "$2"; do sleep 1; done; ' +
    'alive "$1" && exit 0; ' +
    'kill -9 "$2" 2>/dev/null; i=0; while alive "$2" && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; ' +
    'rm -rf "$3"';
  const watchdog = spawn("/bin/sh", ["-c", script, "watchdog", String(process.pid), String(serverPid), directory], {
    detached: true,
    stdio: "ignore",
  });
  watchdog.unref();
  return watchdog;
}

/**
 * One server process on a fixed port: spawned, watched, and restarted on the same port.
 * Its log goes to a file in its temporary directory, which also serves as its `--dir`.
 */
class ServerProcess {
  private child: ChildProcess | undefined;
  private watchdog: ChildProcess | undefined;
  private unregister: (() => void) | undefined;
  private paused = false;

  constructor(
    private readonly binary: string,
    readonly port: number,
    private readonly directory: string,
    private readonly extraArgs: string[],
    private readonly readyLine: RegExp = READY_LINE,
    private readonly configFile?: string,
  ) {}

  private get logFile(): string {
    return join(this.directory, "server.log");
  }

  /** Spawns the server and resolves when it logs that it accepts connections. */
  async spawn(): Promise<void> {
    rmSync(this.logFile, { force: true });
    const args = [
      ...(this.configFile === undefined ? [] : [this.configFile]),
      "--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.directory,
      "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", this.logFile,
      ...this.extraArgs,
    ];
    const child = spawn(this.binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
    // a forgotten server must not keep the process alive: the exit handler below kills it
    child.unref();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
    this.child = child;
    this.paused = false;
    const pid = child.pid;
    if (pid !== undefined) {
      this.watchdog = spawnWatchdog(pid, this.directory);
      const watchdog = this.watchdog;
      this.unregister = onProcessExit(() => {
        process.kill(pid, "SIGKILL");
        if (watchdog.pid !== undefined) process.kill(watchdog.pid, "SIGKILL");
        rmSync(this.directory, { recursive: true, force: true });
      });
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const log = readLog(this.logFile);
      if (this.readyLine.test(log)) return;
      if (child.exitCode !== null || child.signalCode !== null || pid === undefined) {
        const reason = pid === undefined ? (await spawnError).message : `exited with ${child.exitCode ?? child.signalCode}`;
        await this.kill();
        const error = new Error(
          `${this.binary} on 127.0.0.1:${this.port} ${reason}:\n${(log + stderr).trim().split("\n").slice(-8).join("\n")}`,
        );
        (error as Error & { addressInUse?: boolean }).addressInUse = ADDRESS_IN_USE.test(log + stderr);
        throw error;
      }
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`${this.binary} on 127.0.0.1:${this.port} not ready within ${START_TIMEOUT_MS} ms:\n${log.trim()}`);
      }
      await sleep(20);
    }
  }

  /** Sends `signal` (SIGCONT first when paused) and waits for the exit; SIGKILL after a grace period. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (this.paused) child.kill("SIGCONT");
    this.paused = false;
    if (child.pid !== undefined) {
      // (a child that never spawned has no pid and emits no "exit")
      child.kill(signal);
      const grace = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited(child);
      clearTimeout(grace);
    }
    this.watchdog?.kill("SIGKILL");
    this.watchdog = undefined;
    this.unregister?.();
    this.unregister = undefined;
  }

  pause(): void {
    if (!this.child || this.paused) return;
    this.child.kill("SIGSTOP");
    this.paused = true;
  }

  unpause(): void {
    if (!this.child || !this.paused) return;
    this.child.kill("SIGCONT");
    this.paused = false;
  }
}

/**
 * Starts `redis-server` / `valkey-server` from PATH on a free loopback port, with a temporary
 * `--dir`, no persistence, and a safety net that kills it when this process exits.
 *
 * @throws Error when the binary is not on PATH, or the server does not start (its log tail is
 * in the message).
 */
export async function startBinaryServer(kind: ServerKind, options: BinaryServerOptions = {}): Promise<RunningServer> {
  const binaryName = SERVER_BINARIES[kind];
  const binary = findOnPath(binaryName);
  if (!binary) throw new Error(`${binaryName} is not on PATH (PATH=${process.env["PATH"] ?? ""})`);
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await findFreePort({ withBusPort: options.withBusPort ?? false });
    const directory = mkdtempSync(join(tmpdir(), `stowage-${kind}-`));
    let configFile: string | undefined;
    if (options.configFile) {
      configFile = join(directory, CONFIG_FILE);
      writeFileSync(configFile, options.configFile(port), { mode: 0o600 });
    }
    const server = new ServerProcess(binary, port, directory, options.extraArgs?.(port) ?? [], options.readyLine, configFile);
    try {
      await server.spawn();
      return binaryRunningServer(kind, server, directory);
    } catch (error) {
      rmSync(directory, { recursive: true, force: true });
      lastError = error as Error;
      // another process took the port between the check and the bind: try another one
      if (!(error as { addressInUse?: boolean }).addressInUse) throw error;
    }
  }
  throw lastError ?? new Error(`${binaryName} did not start`);
}

function binaryRunningServer(kind: ServerKind, server: ServerProcess, directory: string): RunningServer {
  let stopped = false;
  return {
    kind,
    host: "127.0.0.1",
    port: server.port,
    url: `redis://127.0.0.1:${server.port}`,
    via: "binary",
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.kill("SIGTERM");
      rmSync(directory, { recursive: true, force: true });
    },
    async pause() {
      if (stopped) throw new Error(`${kind} server on port ${server.port} is stopped`);
      server.pause();
    },
    async unpause() {
      if (stopped) throw new Error(`${kind} server on port ${server.port} is stopped`);
      server.unpause();
    },
    async restart() {
      if (stopped) throw new Error(`${kind} server on port ${server.port} is stopped`);
      await server.kill("SIGKILL");
      // the port is ours: retry briefly should the kernel not have released it yet
      const deadline = Date.now() + 5000;
      for (;;) {
        try {
          await server.spawn();
          return;
        } catch (error) {
          if (!(error as { addressInUse?: boolean }).addressInUse || Date.now() > deadline) throw error;
          await sleep(100);
        }
      }
    },
  };
}
