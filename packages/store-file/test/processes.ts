import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileForChild } from "./compile-for-child.js";

/** What a worker process printed, and how it ended. */
export interface WorkerOutput {
  code: number | null;
  signal: string | null;
  stdout: string;
}

/** A running worker process (test/worker.ts) and its output once it ends. */
export interface Worker {
  child: ChildProcess;
  output: Promise<WorkerOutput>;
  /** Resolves at the first line the worker prints that equals `line`. */
  printed(line: string): Promise<void>;
}

/**
 * Child processes for the multi-process tests: `setUp` transpiles the worker into a scratch
 * directory (see compile-for-child.ts), `start` runs one with a JSON task, `tearDown` removes it.
 */
export function workerProcesses() {
  let scratch = "";
  let worker = "";
  return {
    /** The scratch directory, for the stores of the test. */
    get scratch(): string {
      return scratch;
    },
    async setUp(): Promise<void> {
      scratch = await mkdtemp(join(tmpdir(), "stowage-file-mp-"));
      const compiled = join(scratch, "compiled");
      await mkdir(compiled);
      worker = await compileForChild(compiled);
    },
    async tearDown(): Promise<void> {
      await rm(scratch, { recursive: true, force: true });
    },
    start(task: object): Worker {
      const child = spawn(process.execPath, [worker, JSON.stringify(task)], { stdio: ["pipe", "pipe", "inherit"] });
      let stdout = "";
      const waiting: Array<{ line: string; resolve: () => void }> = [];
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        const lines = stdout.split("\n");
        for (const wait of waiting.filter((entry) => lines.includes(entry.line))) {
          waiting.splice(waiting.indexOf(wait), 1);
          wait.resolve();
        }
      });
      const output = new Promise<WorkerOutput>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code, signal, stdout }));
      });
      const printed = (line: string) =>
        new Promise<void>((resolve, reject) => {
          if (stdout.split("\n").includes(line)) return resolve();
          waiting.push({ line, resolve });
          void output.then((result) => reject(new Error(`the worker ended (${result.code ?? result.signal}) before printing ${line}: ${result.stdout}`)));
        });
      return { child, output, printed };
    },
  };
}

/** The JSON object a worker printed last, after it exited 0. */
export function lastJson<T>(result: WorkerOutput): T {
  if (result.code !== 0) throw new Error(`a worker failed (${result.code ?? result.signal}): ${result.stdout}`);
  const lines = result.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as T;
}
