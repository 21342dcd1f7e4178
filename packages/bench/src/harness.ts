import type { Backend, BackendSuite, Contender, ContenderRole } from "./contender.js";
import { median, quantile } from "./stats.js";

/** A workload that writes then reads, measured per phase. */
export interface ThroughputWorkload {
  readonly name: "sequential" | "in-flight" | "large" | "expiry";
  /** How the table names it, e.g. "100 B sequential". */
  readonly title: string;
  readonly valueBytes: number;
  /** Operations per phase. */
  readonly ops: number;
  /** Distinct keys; operation `i` uses key `i % keys`, so large values do not pile up in memory. */
  readonly keys: number;
  /** Operations kept in flight (1: each awaits the previous). */
  readonly inFlight: number;
  /** With it, `set` writes an expiry this far out. */
  readonly ttlMs?: number;
}

/** One contender's figures for one phase of a workload: one number per round. */
export interface PhaseResult {
  readonly backend: Backend;
  readonly workload: ThroughputWorkload["name"] | "increment" | "set-if-absent";
  readonly title: string;
  readonly op: "set" | "get" | "increment" | "setIfAbsent";
  readonly contender: string;
  readonly role: ContenderRole;
  readonly notes: readonly string[];
  /** Per round, in round order, so contenders can be compared round by round. */
  readonly opsPerSecond: number[];
  readonly p50Micros: number[];
  readonly p99Micros: number[];
}

/** One contender's figures for the `deleteAll` workload: one number per round. */
export interface DeleteAllResult {
  readonly backend: Backend;
  readonly contender: string;
  readonly role: ContenderRole;
  readonly notes: readonly string[];
  readonly entries: number;
  readonly milliseconds: number[];
  /** Entries of the deleted namespace still readable afterwards (0 expected), per round. */
  readonly survivorsDeleted: number[];
  /** Entries of the sibling namespace still readable afterwards (all expected), per round. */
  readonly survivorsSibling: number[];
}

/** The keys `k0` ... of a workload, made once so every contender sees the same strings. */
export function makeKeys(count: number, prefix = "k"): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`);
}

/**
 * `size` bytes of a fixed pseudo-random pattern, the same in every run. A `Buffer`, because the
 * peers encode a plain `Uint8Array` as an object of numbers but a `Buffer` as base64.
 */
export function makeValue(size: number): Buffer {
  const value = Buffer.alloc(size);
  let state = 0x2545f491;
  for (let index = 0; index < size; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    value[index] = state & 0xff;
  }
  return value;
}

/** The contenders in round `round`'s order: the list rotated by one each round. */
export function rotate<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** One phase's figures. */
export interface PhaseMeasure {
  opsPerSecond: number;
  p50Micros: number;
  p99Micros: number;
  /** Reads that found nothing. */
  missing: number;
}

/**
 * Runs `ops` calls of `operation`, `inFlight` at a time, timing one call in `sampleEvery`.
 * Resolves to throughput, latency quantiles and how many calls resolved to null/undefined.
 */
export async function measurePhase(
  operation: (key: string) => Promise<unknown>,
  keys: readonly string[],
  ops: number,
  inFlight: number,
  sampleEvery: number,
  expectValue: boolean,
): Promise<PhaseMeasure> {
  const samples = new Float64Array(Math.ceil(ops / sampleEvery));
  let sampled = 0;
  let missing = 0;
  let next = 0;
  const keyCount = keys.length;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < ops; index = next++) {
      const key = keys[index % keyCount]!;
      let result: unknown;
      if (index % sampleEvery === 0) {
        const started = performance.now();
        result = await operation(key);
        samples[sampled++] = performance.now() - started;
      } else {
        result = await operation(key);
      }
      if (expectValue && (result === null || result === undefined)) missing++;
    }
  };
  const started = performance.now();
  if (inFlight === 1) await worker();
  else await Promise.all(Array.from({ length: Math.min(inFlight, ops) }, worker));
  const elapsed = performance.now() - started;
  const sorted = samples.subarray(0, sampled).sort();
  return {
    opsPerSecond: (ops / elapsed) * 1_000,
    p50Micros: quantile(sorted, 0.5) * 1_000,
    p99Micros: quantile(sorted, 0.99) * 1_000,
    missing,
  };
}

function sameBytes(actual: unknown, expected: Uint8Array): boolean {
  if (!(actual instanceof Uint8Array) || actual.byteLength !== expected.byteLength) return false;
  return Buffer.compare(actual, expected) === 0;
}

/**
 * Runs a write-then-read workload on every contender of a suite: one untimed warm-up pass, then
 * `rounds` rounds, each running all contenders back to back in an order rotated by one per round.
 * Every read must find its value, and the first key must read back byte for byte.
 *
 * @throws Error when a contender loses a value or changes its bytes.
 */
export async function runThroughput(
  suite: BackendSuite,
  workload: ThroughputWorkload,
  rounds: number,
): Promise<PhaseResult[]> {
  const keys = makeKeys(workload.keys, `${workload.name}:`);
  const value = makeValue(workload.valueBytes);
  const { ttlMs, inFlight } = workload;
  const results = new Map<Contender, { set: PhaseResult; get: PhaseResult }>();
  for (const contender of suite.contenders) {
    const base = { backend: suite.backend, workload: workload.name, title: workload.title, contender: contender.name, role: contender.role, notes: contender.notes };
    results.set(contender, {
      set: { ...base, op: "set", opsPerSecond: [], p50Micros: [], p99Micros: [] },
      get: { ...base, op: "get", opsPerSecond: [], p50Micros: [], p99Micros: [] },
    });
  }
  const run = async (contender: Contender, ops: number): Promise<[PhaseMeasure, PhaseMeasure]> => {
    const set = ttlMs === undefined ? (key: string) => contender.set(key, value) : (key: string) => contender.set(key, value, ttlMs);
    const get = (key: string) => contender.get(key);
    const written = await measurePhase(set, keys, ops, inFlight, suite.sampleEvery, false);
    const read = await measurePhase(get, keys, ops, inFlight, suite.sampleEvery, true);
    if (read.missing > 0) {
      throw new Error(`${suite.backend} ${workload.title}: ${contender.name} found nothing for ${read.missing} of ${ops} reads`);
    }
    const first = await contender.get(keys[0]!);
    if (!sameBytes(first, value)) {
      throw new Error(`${suite.backend} ${workload.title}: ${contender.name} did not read back the bytes it was given`);
    }
    return [written, read];
  };
  for (const contender of suite.contenders) await run(contender, Math.max(1, Math.ceil(workload.ops / 10)));
  for (let round = 0; round < rounds; round++) {
    for (const contender of rotate(suite.contenders, round)) {
      const [written, read] = await run(contender, workload.ops);
      const record = results.get(contender)!;
      for (const [phase, measure] of [[record.set, written], [record.get, read]] as const) {
        phase.opsPerSecond.push(measure.opsPerSecond);
        phase.p50Micros.push(measure.p50Micros);
        phase.p99Micros.push(measure.p99Micros);
      }
    }
  }
  return [...results.values()].flatMap(({ set, get }) => [set, get]);
}

/** Runs `task` over `items`, `inFlight` at a time. */
async function forEachInFlight<T>(items: readonly T[], inFlight: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) await task(items[index]!);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, worker));
}

async function countReadable(view: { get(key: string): Promise<unknown> }, keys: readonly string[], inFlight: number): Promise<number> {
  let found = 0;
  await forEachInFlight(keys, inFlight, async (key) => {
    const result = await view.get(key);
    if (result !== null && result !== undefined) found++;
  });
  return found;
}

/**
 * The `deleteAll` workload: per round and contender, fills namespace `cache` and its sibling
 * `cache2` (a name `cache*` would also match) with `entries` 100-byte entries each (untimed,
 * `inFlight` at a time), times `deleteAll` of `cache`, then reads every key back in both to count
 * survivors, and empties `cache2` (untimed). Contenders without namespaces are left out.
 */
export async function runDeleteAll(suite: BackendSuite, entries: number, rounds: number, inFlight: number): Promise<DeleteAllResult[]> {
  const keys = makeKeys(entries);
  const value = makeValue(100);
  const contenders = suite.contenders.filter((contender) => contender.namespace !== undefined);
  const results = new Map<Contender, DeleteAllResult>(
    contenders.map((contender) => [
      contender,
      { backend: suite.backend, contender: contender.name, role: contender.role, notes: contender.notes, entries, milliseconds: [], survivorsDeleted: [], survivorsSibling: [] },
    ]),
  );
  for (let round = 0; round < rounds; round++) {
    for (const contender of rotate(contenders, round)) {
      const doomed = contender.namespace!("cache");
      const sibling = contender.namespace!("cache2");
      await forEachInFlight(keys, inFlight, async (key) => { await doomed.set(key, value); });
      await forEachInFlight(keys, inFlight, async (key) => { await sibling.set(key, value); });
      const started = performance.now();
      await doomed.deleteAll();
      const elapsed = performance.now() - started;
      const result = results.get(contender)!;
      result.milliseconds.push(elapsed);
      result.survivorsDeleted.push(await countReadable(doomed, keys, inFlight));
      result.survivorsSibling.push(await countReadable(sibling, keys, inFlight));
      await sibling.deleteAll();
    }
  }
  return [...results.values()];
}

/** The median over rounds of `numerator[round] / denominator[round]`. */
export function roundRatio(numerator: readonly number[], denominator: readonly number[]): number {
  return median(numerator.map((value, round) => value / denominator[round]!));
}
