import type { BackendSuite, Contender } from "./contender.js";
import { makeKeys, makeValue, measurePhase, rotate, type PhaseMeasure, type PhaseResult, type ThroughputWorkload } from "./harness.js";

/** How many counters the increment phase spreads its operations over. */
const COUNTERS = 100;

/**
 * The `atomic` workload: per round and contender that has them, `ops` increments spread over 100
 * counters (each increment after a counter's first is a read-modify-write of an existing entry),
 * then `ops` setIfAbsent calls on `ops / 2` keys, each called twice (the first writes, the second
 * finds the entry). Keys are fresh per run, so every run checks exact results: the counters sum
 * to `ops`, and exactly one call per key resolves true. Contenders without them are left out.
 *
 * @throws Error when a contender's counters or setIfAbsent results are not exact.
 */
export async function runAtomic(suite: BackendSuite, workload: ThroughputWorkload, rounds: number): Promise<PhaseResult[]> {
  const contenders = suite.contenders.filter((contender) => contender.increment !== undefined && contender.setIfAbsent !== undefined);
  const value = makeValue(workload.valueBytes);
  const results = new Map<Contender, { increment: PhaseResult; setIfAbsent: PhaseResult }>();
  for (const contender of contenders) {
    const base = { backend: suite.backend, workload: workload.name, title: workload.title, contender: contender.name, role: contender.role, notes: contender.notes };
    results.set(contender, {
      increment: { ...base, op: "increment", opsPerSecond: [], p50Micros: [], p99Micros: [] },
      setIfAbsent: { ...base, op: "setIfAbsent", opsPerSecond: [], p50Micros: [], p99Micros: [] },
    });
  }
  let runs = 0;
  const run = async (contender: Contender, ops: number): Promise<[PhaseMeasure, PhaseMeasure]> => {
    const prefix = `atomic${runs++}:`;
    const counters = makeKeys(Math.min(COUNTERS, ops), `${prefix}c`);
    const incremented = await measurePhase((key) => contender.increment!(key), counters, ops, workload.inFlight, suite.sampleEvery, false);
    let total = 0;
    for (const key of counters) total += Number(Buffer.from((await contender.get(key)) as Uint8Array).toString("latin1"));
    if (total !== ops) throw new Error(`${suite.backend} ${workload.title}: ${contender.name}'s counters sum to ${total} after ${ops} increments`);
    const once = makeKeys(Math.max(1, Math.floor(ops / 2)), `${prefix}s`);
    let written = 0;
    const stored = await measurePhase(
      async (key) => {
        if (await contender.setIfAbsent!(key, value)) written++;
      },
      once,
      ops,
      workload.inFlight,
      suite.sampleEvery,
      false,
    );
    if (written !== Math.min(once.length, ops)) {
      throw new Error(`${suite.backend} ${workload.title}: ${contender.name}'s setIfAbsent wrote ${written} times for ${once.length} keys`);
    }
    return [incremented, stored];
  };
  for (const contender of contenders) await run(contender, Math.max(1, Math.ceil(workload.ops / 10)));
  for (let round = 0; round < rounds; round++) {
    for (const contender of rotate(contenders, round)) {
      const measures = await run(contender, workload.ops);
      const record = results.get(contender)!;
      for (const [phase, measure] of [[record.increment, measures[0]], [record.setIfAbsent, measures[1]]] as const) {
        phase.opsPerSecond.push(measure.opsPerSecond);
        phase.p50Micros.push(measure.p50Micros);
        phase.p99Micros.push(measure.p99Micros);
      }
    }
  }
  return [...results.values()].flatMap(({ increment, setIfAbsent }) => [increment, setIfAbsent]);
}
