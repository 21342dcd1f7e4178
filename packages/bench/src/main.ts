// `pnpm bench`: runs the side-by-side benchmark and prints a Markdown report on stdout (progress
// on stderr). Each network suite starts its own server on a free loopback port and stops it when
// the suite closes, which runBench does even when a workload fails.
import type { Backend, BackendSuite } from "./contender.js";
import { describeEnvironment } from "./environment.js";
import { fileSuite } from "./file-contenders.js";
import { measureMemoryPerEntry } from "./memory-per-entry.js";
import { memorySuite } from "./memory-contenders.js";
import { parseBenchOptions, UsageError } from "./options.js";
import { rateLimitBench as runRateLimitBench } from "./rate-limit-bench.js";
import { redisSuite } from "./redis-contenders.js";
import { runResponseCacheIntegration } from "./response-cache-suite.js";
import { runBench } from "./run-bench.js";
import { runSessionsBench } from "./sessions-bench.js";
import { valkeySuite } from "./valkey-contenders.js";

async function main(argv: readonly string[]): Promise<void> {
  const options = parseBenchOptions(argv);
  const started = performance.now();
  const log = (line: string) => process.stderr.write(`bench [${((performance.now() - started) / 1_000).toFixed(1)} s]: ${line}\n`);
  const suites: Partial<Record<Backend, () => Promise<BackendSuite>>> = { memory: memorySuite, file: fileSuite, redis: redisSuite, valkey: valkeySuite };
  try {
    const report = await runBench(options, { suites, integrations: { sessions: runSessionsBench, "rate-limit": runRateLimitBench, "response-cache": runResponseCacheIntegration }, measureMemory: measureMemoryPerEntry, log });
    const sizes = options.quick ? "quick sizes" : "full sizes";
    process.stdout.write(`# Stowage bench (${sizes}, ${options.rounds} rounds, medians)\n\n${describeEnvironment(import.meta.url)}\n\n${report.markdown}`);
  } finally {
    log(`done in ${((performance.now() - started) / 1_000).toFixed(1)} s`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message ? `bench: ${error.message}\n` : ""}${error.usage}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
