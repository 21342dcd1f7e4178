import type { BackendSuite, Contender } from "./contender.js";
import { makeKeys, makeValue, measurePhase, rotate, type PhaseMeasure, type PhaseResult } from "./harness.js";
import type { BenchOptions } from "./options.js";

/** The expiry the workloads ask for: a minute, longer than any run, so nothing expires mid-run. */
const TTL_MS = 60_000;
/** Counters the `increment` workload spreads its calls over, as a rate limiter does its clients. */
const COUNTERS = 100;

type AtomicWorkload = "increment" | "set-if-absent";

const TITLES: Record<AtomicWorkload, string> = {
  increment: "increment, 60 s expiry on create",
  "set-if-absent": "setIfAbsent of a free key, 60 s expiry",
};

/**
 * The `increment` and `set-if-absent` workloads, sequential (each call awaits the previous), on
 * the contenders that offer them (`Contender.atomic`): one untimed warm-up pass, then `rounds`
 * rounds in an order rotated by one per round, like the write-then-read workloads.
 *
 * - `increment`: `ops` increments spread over 100 counters, each created with a 60 s expiry.
 *   Afterwards every contender's counters must add up to exactly the increments it was sent.
 * - `set-if-absent`: `ops` calls on keys nobody holds yet (fresh keys every pass); each must
 *   resolve true.
 *
 * @throws Error when a contender miscounts or refuses a free key.
 */
export async function runAtomicWorkloads(suite: BackendSuite, options: BenchOptions, log: (line: string) => void): Promise<PhaseResult[]> {
  const ops = options.ops[suite.backend];
  const rows: PhaseResult[] = [];
  for (const workload of ["increment", "set-if-absent"] as const) {
    // Read per workload: a suite's reset may replace its contenders (the file suite does).
    const contenders = suite.contenders.filter((contender) => contender.atomic !== undefined);
    if (contenders.length === 0 || !options.workloads.includes(workload)) continue;
    log(`${suite.backend}: ${TITLES[workload]}, ${ops} ops x ${options.rounds} rounds`);
    rows.push(...(await runAtomic(suite, contenders, workload, ops, options.rounds)));
    await suite.reset();
  }
  return rows;
}

async function runAtomic(suite: BackendSuite, contenders: Contender[], workload: AtomicWorkload, ops: number, rounds: number): Promise<PhaseResult[]> {
  const counters = makeKeys(COUNTERS, "counter:");
  const value = makeValue(100);
  const sent = new Map<Contender, number>();
  let pass = 0;
  const run = async (contender: Contender, count: number): Promise<PhaseMeasure> => {
    const atomic = contender.atomic!;
    if (workload === "increment") {
      sent.set(contender, (sent.get(contender) ?? 0) + count);
      return measurePhase((key) => atomic.increment(key, TTL_MS), counters, count, 1, suite.sampleEvery, false);
    }
    // Fresh keys every pass; a false is counted as a missing result.
    const keys = makeKeys(count, `lock:${pass++}:`);
    const measure = await measurePhase(async (key) => ((await atomic.setIfAbsent(key, value, TTL_MS)) ? true : undefined), keys, count, 1, suite.sampleEvery, true);
    if (measure.missing > 0) throw new Error(`${suite.backend} ${workload}: ${contender.name} refused ${measure.missing} of ${count} free keys`);
    return measure;
  };
  const results = new Map<Contender, PhaseResult>(
    contenders.map((contender) => [
      contender,
      {
        backend: suite.backend,
        workload,
        title: TITLES[workload],
        op: workload === "increment" ? "increment" : "setIfAbsent",
        contender: contender.name,
        role: contender.role,
        notes: contender.notes,
        opsPerSecond: [],
        p50Micros: [],
        p99Micros: [],
      },
    ]),
  );
  for (const contender of contenders) await run(contender, Math.max(1, Math.ceil(ops / 10)));
  for (let round = 0; round < rounds; round++) {
    for (const contender of rotate(contenders, round)) {
      const measure = await run(contender, ops);
      const row = results.get(contender)!;
      row.opsPerSecond.push(measure.opsPerSecond);
      row.p50Micros.push(measure.p50Micros);
      row.p99Micros.push(measure.p99Micros);
    }
  }
  if (workload === "increment") {
    for (const contender of contenders) {
      let total = 0;
      for (const key of counters) {
        const held = (await contender.get(key)) as Uint8Array | null;
        if (held !== null) total += Number(Buffer.from(held).toString());
      }
      if (total !== sent.get(contender)) throw new Error(`${suite.backend} increment: ${contender.name} counted ${total} of ${sent.get(contender)} increments`);
    }
  }
  return [...results.values()];
}
