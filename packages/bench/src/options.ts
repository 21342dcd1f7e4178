import { BACKENDS, type Backend } from "./contender.js";

/** The integration suites `--only` also takes, run after the backends (each starts what it needs). */
export const INTEGRATIONS = ["sessions", "rate-limit", "response-cache"] as const;
export type Integration = (typeof INTEGRATIONS)[number];

/** The workloads, by the names `--workloads` takes. */
export const WORKLOADS = ["sequential", "in-flight", "large", "expiry", "increment", "set-if-absent", "delete-all", "memory-per-entry"] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** Sizes and selection of one bench run. */
export interface BenchOptions {
  quick: boolean;
  /** Rounds per workload; every round runs all contenders, in an order rotated by one each round. */
  rounds: number;
  /** Operations per phase of the 100-byte workloads, per backend. */
  ops: Record<Backend, number>;
  /** Operations per phase of the 64 KiB workload, per backend. */
  largeOps: Record<Backend, number>;
  /** Operations kept in flight by the concurrent workload. */
  inFlight: number;
  /** Entries in each of the two namespaces of the `deleteAll` workload. */
  deleteEntries: Record<Backend, number>;
  /** Entries held when measuring memory per entry. */
  memoryEntries: number;
  backends: readonly Backend[];
  integrations: readonly Integration[];
  workloads: readonly WorkloadName[];
  /** The response-cache suite: load per contender and round, and keep-alive connections. */
  http: { durationMs: number; connections: number };
}

const USAGE = `Usage: pnpm bench [--quick] [--rounds N] [--ops N] [--large-ops N] [--in-flight N]
                  [--delete-entries N] [--memory-entries N]
                  [--only ${[...BACKENDS, ...INTEGRATIONS].join(",")}] [--workloads ${WORKLOADS.join(",")}]
  --quick            small sizes and 3 rounds (under a minute)
  --rounds N         rounds per workload (default 5, quick 3)
  --ops N            operations per phase of the 100-byte workloads, every backend
                     (default memory 200000, file 3000, redis/valkey 10000;
                     quick memory 30000, file 500, redis/valkey 3000)
  --large-ops N      operations per phase of the 64 KiB workload (default a twentieth of --ops, at least 16)
  --in-flight N      operations in flight in the concurrent workload (default 64)
  --delete-entries N entries in each of the two namespaces of deleteAll, every backend
                     (default 100000, file 20000; quick 2000, file 500)
  --memory-entries N entries held when measuring memory per entry (default 1000000, quick 100000)
  --only LIST        backends and integration suites to run (default all)
  --workloads LIST   workloads to run (default all)`;

/** A bad command line; `main` prints the message and the usage. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly usage = USAGE;
}

function perBackend(value: number): Record<Backend, number> {
  return { memory: value, file: value, redis: value, valkey: value };
}

function positiveInteger(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${flag} takes a positive whole number, got ${JSON.stringify(text ?? null)}`);
  }
  return value;
}

function list<T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T[] {
  const names = (text ?? "").split(",").map((name) => name.trim()).filter((name) => name !== "");
  const unknown = names.filter((name) => !allowed.includes(name as T));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`${flag} takes a comma-separated list of ${allowed.join(", ")}; got ${JSON.stringify(text ?? null)}`);
  }
  return allowed.filter((name) => names.includes(name));
}

/**
 * Reads the bench's command line. A bare `--` (what `pnpm bench -- --quick` passes through
 * turbo) is ignored.
 *
 * @throws UsageError for an unknown flag or a bad value.
 */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const args = argv.filter((arg) => arg !== "--");
  const quick = args.includes("--quick");
  const options: BenchOptions = {
    quick,
    rounds: quick ? 3 : 5,
    ops: quick ? { memory: 30_000, file: 500, redis: 3_000, valkey: 3_000 } : { memory: 200_000, file: 3_000, redis: 10_000, valkey: 10_000 },
    largeOps: perBackend(0),
    inFlight: 64,
    // 200k files per contender and round would take minutes on a small machine: the file backend
    // gets a fifth of the entries unless --delete-entries says otherwise.
    deleteEntries: quick ? { memory: 2_000, file: 500, redis: 2_000, valkey: 2_000 } : { memory: 100_000, file: 20_000, redis: 100_000, valkey: 100_000 },
    memoryEntries: quick ? 100_000 : 1_000_000,
    backends: BACKENDS,
    integrations: INTEGRATIONS,
    workloads: WORKLOADS,
    http: { durationMs: quick ? 1_000 : 5_000, connections: 32 },
  };
  let largeOps: number | undefined;
  for (let index = 0; index < args.length; index++) {
    const flag = args[index]!;
    if (flag === "--quick") continue;
    if (flag === "--help" || flag === "-h") throw new UsageError("");
    const [name, inline] = flag.includes("=") ? [flag.slice(0, flag.indexOf("=")), flag.slice(flag.indexOf("=") + 1)] : [flag, undefined];
    const value = (): string | undefined => inline ?? args[++index];
    switch (name) {
      case "--rounds": options.rounds = positiveInteger(name, value()); break;
      case "--ops": options.ops = perBackend(positiveInteger(name, value())); break;
      case "--large-ops": largeOps = positiveInteger(name, value()); break;
      case "--in-flight": options.inFlight = positiveInteger(name, value()); break;
      case "--delete-entries": options.deleteEntries = perBackend(positiveInteger(name, value())); break;
      case "--memory-entries": options.memoryEntries = positiveInteger(name, value()); break;
      case "--only": {
        const names: readonly string[] = list(name, value(), [...BACKENDS, ...INTEGRATIONS]);
        options.backends = BACKENDS.filter((backend) => names.includes(backend));
        options.integrations = INTEGRATIONS.filter((integration) => names.includes(integration));
        break;
      }
      case "--workloads": options.workloads = list(name, value(), WORKLOADS); break;
      default: throw new UsageError(`unknown flag ${JSON.stringify(flag)}`);
    }
  }
  for (const backend of BACKENDS) {
    options.largeOps[backend] = largeOps ?? Math.max(16, Math.round(options.ops[backend] / 20));
  }
  return options;
}
