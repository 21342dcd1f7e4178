import { runAtomicWorkloads } from "./atomic-workloads.js";
import type { Backend, BackendSuite } from "./contender.js";
import { makeValue, runDeleteAll, runThroughput, type DeleteAllResult, type PhaseResult, type ThroughputWorkload } from "./harness.js";
import type { BenchOptions, Integration } from "./options.js";
import {
  countVerdicts,
  deleteAllTable,
  deleteAllVerdict,
  memoryTable,
  storedBytesTable,
  throughputTable,
  throughputVerdict,
  type MemoryResult,
  type StoredBytesResult,
  type Verdict,
} from "./report.js";

/** An integration suite: runs on its own and returns its report section and its verdicts. */
export type IntegrationSuite = (options: BenchOptions, log: (line: string) => void) => Promise<{ markdown: string; verdicts: readonly Verdict[] }>;

/** What a bench run needs besides its options: how to build each backend's suite. */
export interface BenchEnvironment {
  /** Builds the suite of a backend; only called for the backends selected. */
  suites: Partial<Record<Backend, () => Promise<BackendSuite>>>;
  /** Measures memory per entry (in child processes); left out, that workload is skipped with a note. */
  measureMemory?: (entries: number) => Promise<MemoryResult[]>;
  /** Runs an integration suite; only called for the ones selected. */
  integrations?: Partial<Record<Integration, IntegrationSuite>>;
  /** Progress lines (stderr in the CLI). */
  log: (line: string) => void;
}

/** Everything one run measured, and its Markdown report. */
export interface BenchReport {
  readonly markdown: string;
  readonly phases: PhaseResult[];
  readonly deletes: DeleteAllResult[];
  readonly memory: MemoryResult[];
  readonly meets: number;
  readonly misses: number;
}

/** The write-then-read workloads of a backend at the run's sizes. */
export function throughputWorkloads(options: BenchOptions, backend: Backend): ThroughputWorkload[] {
  const ops = options.ops[backend];
  const largeOps = options.largeOps[backend];
  const all: ThroughputWorkload[] = [
    { name: "sequential", title: "100 B sequential", valueBytes: 100, ops, keys: ops, inFlight: 1 },
    { name: "in-flight", title: `100 B, ${options.inFlight} in flight`, valueBytes: 100, ops, keys: ops, inFlight: options.inFlight },
    { name: "large", title: "64 KiB sequential", valueBytes: 65_536, ops: largeOps, keys: Math.min(largeOps, 256), inFlight: 1 },
    { name: "expiry", title: "100 B with 60 s expiry", valueBytes: 100, ops, keys: ops, inFlight: 1, ttlMs: 60_000 },
  ];
  return all.filter((workload) => options.workloads.includes(workload.name));
}

/** Writes one 100-byte value with each contender that can report what its backend then holds. */
async function measureStoredBytes(suite: BackendSuite): Promise<StoredBytesResult[]> {
  const value = makeValue(100);
  const rows: StoredBytesResult[] = [];
  for (const contender of suite.contenders) {
    if (!contender.storedBytes) continue;
    await contender.set("stored-bytes", value);
    rows.push({ contender: contender.name, valueBytes: value.byteLength, storedBytes: await contender.storedBytes("stored-bytes") });
  }
  await suite.reset();
  return rows;
}

/**
 * Runs the selected workloads on the selected backends, one backend at a time (each suite is
 * closed, even on error, before the next starts), and renders the Markdown report.
 *
 * @throws Error when a suite cannot be built or a contender loses or changes a value.
 */
export async function runBench(options: BenchOptions, environment: BenchEnvironment): Promise<BenchReport> {
  const phases: PhaseResult[] = [];
  const deletes: DeleteAllResult[] = [];
  let memory: MemoryResult[] = [];
  const sections: string[] = [];
  for (const backend of options.backends) {
    const create = environment.suites[backend];
    if (!create) {
      sections.push(`## ${backend}\n\nNot run: this backend is not available in this checkout.`);
      environment.log(`${backend}: not available, skipped`);
      continue;
    }
    const suite = await create();
    const parts: string[] = [`## ${backend}`];
    try {
      const backendPhases: PhaseResult[] = [];
      for (const workload of throughputWorkloads(options, backend)) {
        environment.log(`${backend}: ${workload.title}, ${workload.ops} ops x ${options.rounds} rounds`);
        backendPhases.push(...(await runThroughput(suite, workload, options.rounds)));
        await suite.reset();
      }
      backendPhases.push(...(await runAtomicWorkloads(suite, options, environment.log)));
      if (backendPhases.length > 0) parts.push(throughputTable(backendPhases));
      phases.push(...backendPhases);
      const stored = await measureStoredBytes(suite);
      if (stored.length > 0) parts.push(`### Bytes stored per 100-byte value\n\n${storedBytesTable(stored)}`);
      if (options.workloads.includes("delete-all")) {
        const entries = options.deleteEntries[backend];
        environment.log(`${backend}: deleteAll, 2 x ${entries} entries x ${options.rounds} rounds`);
        const rows = await runDeleteAll(suite, entries, options.rounds, options.inFlight);
        await suite.reset();
        parts.push(`### deleteAll of one namespace beside a sibling\n\n${deleteAllTable(rows)}`);
        deletes.push(...rows);
      }
    } finally {
      await suite.close();
    }
    if (backend === "memory" && options.workloads.includes("memory-per-entry")) {
      if (environment.measureMemory) {
        environment.log(`memory: memory per entry, ${options.memoryEntries} entries`);
        memory = await environment.measureMemory(options.memoryEntries);
        parts.push(`### Memory per entry (100-byte values)\n\n${memoryTable(memory)}`);
      } else {
        parts.push("### Memory per entry\n\nNot measured in this run (it needs the compiled bench and `--expose-gc`).");
      }
    }
    sections.push(parts.join("\n\n"));
  }
  const integrationVerdicts: Verdict[] = [];
  for (const integration of options.integrations) {
    const run = environment.integrations?.[integration];
    if (!run) continue;
    const section = await run(options, environment.log);
    sections.push(section.markdown);
    integrationVerdicts.push(...section.verdicts);
  }
  const verdicts = [
    ...integrationVerdicts,
    ...phases.map((row) => throughputVerdict(row, phases)),
    ...deletes.map((row) => deleteAllVerdict(row, deletes)),
  ];
  const { meets, misses } = countVerdicts(verdicts);
  const summary = `Targets: ${meets} met, ${misses} missed.`;
  return { markdown: [...sections, summary].join("\n\n") + "\n", phases, deletes, memory, meets, misses };
}
