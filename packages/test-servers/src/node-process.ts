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
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    child,
    exited,
    async nextLine() {
      const { value, done } = await lines.next();
      if (done) {
        await ended;
        throw new Error(`${script} exited with ${child.exitCode ?? child.signalCode} before printing a line`);
      }
      return value as string;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.stdin!.end();
      await ended;
    },
  };
}
