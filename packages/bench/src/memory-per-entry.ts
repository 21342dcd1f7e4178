import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { MEMORY_CONTENDERS } from "./memory-contenders.js";
import type { MemoryResult } from "./report.js";

const run = promisify(execFile);

/**
 * Measures memory per entry of every memory contender, the floor first, each in a fresh child
 * process (`--expose-gc`), so one contender's garbage never counts against another.
 *
 * @throws Error when a child process fails; its stderr is in the message.
 */
export async function measureMemoryPerEntry(entries: number): Promise<MemoryResult[]> {
  const probe = fileURLToPath(new URL("./memory-probe.js", import.meta.url));
  const results: MemoryResult[] = [];
  for (const name of Object.keys(MEMORY_CONTENDERS)) {
    const { stdout } = await run(process.execPath, ["--expose-gc", "--max-old-space-size=4096", probe, name, String(entries)], {
      maxBuffer: 1 << 20,
    }).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`memory per entry of ${name} failed: ${error.stderr || error.message}`);
    });
    results.push(JSON.parse(stdout) as MemoryResult);
  }
  return results;
}
