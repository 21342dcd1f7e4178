import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** Options of {@link startNodeProcess}. */
export interface StartNodeProcessOptions {
  /** Arguments after the script, for example a JSON task. */
  args?: readonly string[];
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
}

/** A Node.js child process that talks in lines on stdout and ends when its stdin closes. */
export interface NodeProcess {
  child: ChildProcess;
  /** The next line it prints; rejects when it exits first. */
  nextLine(): Promise<string>;
  /** Resolves when it exits with code 0; rejects otherwise (never unhandled). */
  exited: Promise<void>;
  /** Closes its stdin, which a fixture takes as "close your stores and exit"; resolves once it has exited, whatever its code. */
  stop(): Promise<void>;
}

/**
 * Runs `script` in a separate Node.js process (a fixture of the cross-process tests), stdin and
 * stdout piped, stderr shown in the test output.
 */
export function startNodeProcess(script: string, options: StartNodeProcessOptions = {}): NodeProcess {
  const child = spawn(process.execPath, [script, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const ended = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const exited = new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code ?? signal}`))));
  });
  exited.catch(() => {});
  // A process that ended early fails through `exited` and `nextLine`; writing to its closed
  // stdin (EPIPE) would only add an unhandled error event on top.
  child.stdin!.on("error", () => {});
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  let last: string | undefined;
  return {
    child,
    exited,
    async nextLine() {
      const { value, done } = await lines.next();
      if (done) {
        await ended;
        const after = last === undefined ? "" : ` (its last line: ${last})`;
        throw new Error(`${script} exited with ${child.exitCode ?? child.signalCode} before printing a line${after}`);
      }
      last = value as string;
      return last;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.stdin!.end();
      await ended;
    },
  };
}

/**
 * Runs `processes` as one race, so that they really work at the same time: waits until each has
 * printed its first line (it is ready), closes every stdin with `go\n` at once, and resolves each
 * one's next line (its result), in order, once every one has exited with code 0. Kills those
 * still running when it ends, also on failure.
 *
 * @throws Error (rejects) when a process exits early or with another code.
 */
export async function raceNodeProcesses(processes: readonly NodeProcess[]): Promise<string[]> {
  try {
    await Promise.all(processes.map((started) => started.nextLine()));
    for (const started of processes) started.child.stdin!.end("go\n");
    const results = await Promise.all(processes.map((started) => started.nextLine()));
    await Promise.all(processes.map((started) => started.exited));
    return results;
  } finally {
    for (const started of processes) if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill();
  }
}
