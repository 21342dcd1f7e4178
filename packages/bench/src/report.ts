import { roundRatio, type DeleteAllResult, type PhaseResult } from "./harness.js";
import { median } from "./stats.js";

/** A target from the issue, checked on figures of the same run. */
export interface Verdict {
  /** What was required and what was measured, e.g. "≥ 0.5× floor: 0.62×". */
  readonly text: string;
  readonly meets: boolean;
}

/** Memory per entry of one contender, measured in a child process. */
export interface MemoryResult {
  readonly contender: string;
  readonly entries: number;
  /** Growth of V8 heap plus external (array buffer) memory, per entry. */
  readonly bytesPerEntry: number;
  /** Growth of the resident set, per entry (includes allocator overhead; noisier). */
  readonly rssBytesPerEntry: number;
}

/** A ratio as `1.23×`, or `n/a`. */
export function ratioText(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "n/a";
}

function check(required: string, ratio: number, meets: boolean): { text: string; meets: boolean } {
  return { text: `${required}: ${ratioText(ratio)}`, meets };
}

/** Combines several checks into one verdict that meets only when all do. */
function all(checks: { text: string; meets: boolean }[]): Verdict {
  return { text: checks.map((item) => item.text).join("; "), meets: checks.every((item) => item.meets) };
}

/** The targets for one phase row, or undefined when the row has none. */
export function throughputVerdict(row: PhaseResult, rows: readonly PhaseResult[]): Verdict | undefined {
  if (row.role !== "stowage" && row.role !== "adapter") return undefined;
  const same = rows.filter((other) => other.backend === row.backend && other.workload === row.workload && other.op === row.op);
  if (row.role === "adapter") return adapterVerdict(row, same);
  const floor = same.find((other) => other.role === "floor");
  const peers = same.filter((other) => other.role === "peer");
  const toFloor = floor ? roundRatio(row.opsPerSecond, floor.opsPerSecond) : NaN;
  if (row.backend === "memory" && row.workload === "sequential") {
    // The best peer of each round, so the ratio compares figures taken moments apart.
    const bestPeer = row.opsPerSecond.map((_, round) => Math.max(...peers.map((peer) => peer.opsPerSecond[round]!)));
    const toPeer = roundRatio(row.opsPerSecond, bestPeer);
    return all([check("≥ 0.5× floor", toFloor, toFloor >= 0.5), check("≥ 1.5× best peer", toPeer, toPeer >= 1.5)]);
  }
  if ((row.backend === "redis" || row.backend === "valkey") && row.workload === "sequential") {
    return all([check("≥ 0.95× raw client", toFloor, toFloor >= 0.95)]);
  }
  if ((row.backend === "redis" || row.backend === "valkey") && (row.workload === "increment" || row.workload === "set-if-absent")) {
    return all([check("≥ 0.9× raw client", toFloor, toFloor >= 0.9)]);
  }
  if ((row.backend === "redis" || row.backend === "valkey") && row.workload === "in-flight") {
    const keyv = peers.find((peer) => peer.contender.startsWith("keyv"));
    if (!keyv) return undefined;
    const toKeyv = roundRatio(row.opsPerSecond, keyv.opsPerSecond);
    return all([check(`≥ 1× ${keyv.contender}`, toKeyv, toKeyv >= 1)]);
  }
  if (row.backend === "file" && row.workload === "sequential") {
    return all([check("≥ 0.8× raw floor", toFloor, toFloor >= 0.8)]);
  }
  return undefined;
}

/** An adapter (Keyv through KeyvStowage) against the library's own backend: at least 1×, sequential and in flight. */
function adapterVerdict(row: PhaseResult, same: readonly PhaseResult[]): Verdict | undefined {
  if (row.workload !== "sequential" && row.workload !== "in-flight") return undefined;
  const library = row.contender.split(" + ")[0]!;
  const peer = same.find((other) => other.role === "peer" && other.contender.startsWith(`${library} + `));
  if (!peer) return undefined;
  const ratio = roundRatio(row.opsPerSecond, peer.opsPerSecond);
  return all([check(`≥ 1× ${peer.contender}`, ratio, ratio >= 1)]);
}

/** Bytes a backend holds for one value, per contender that can tell. */
export interface StoredBytesResult {
  readonly contender: string;
  readonly valueBytes: number;
  readonly storedBytes: number;
}

/** The Markdown table of the bytes stored per value. */
export function storedBytesTable(rows: readonly StoredBytesResult[]): string {
  const body = rows.map((row) => [row.contender, integer(row.valueBytes), integer(row.storedBytes), ratioText(row.storedBytes / row.valueBytes)]);
  return table(["contender", "value bytes", "bytes stored", "× value"], body);
}

/** The target for a `deleteAll` row: Redis and Valkey within 1.2× of SCAN + UNLINK, and correct. */
export function deleteAllVerdict(row: DeleteAllResult, rows: readonly DeleteAllResult[]): Verdict | undefined {
  if (row.role !== "stowage" || (row.backend !== "redis" && row.backend !== "valkey")) return undefined;
  const floor = rows.find((other) => other.backend === row.backend && other.role === "floor");
  if (!floor) return undefined;
  const ratio = roundRatio(row.milliseconds, floor.milliseconds);
  const correct = row.survivorsDeleted.every((count) => count === 0) && row.survivorsSibling.every((count) => count === row.entries);
  return all([check("≤ 1.2× SCAN+UNLINK", ratio, ratio <= 1.2), { text: correct ? "exact" : "wrong survivors", meets: correct }]);
}

/** A whole number with thousands separators, or `n/a`. */
export function integer(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a";
}

/** Microseconds with two significant decimals below 100, or `n/a`. */
export function micros(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString("en-US");
}

function milliseconds(value: number): string {
  return value < 1 ? value.toFixed(3) : value < 100 ? value.toFixed(1) : integer(value);
}

function verdictCells(verdict: Verdict | undefined): [string, string] {
  return verdict ? [verdict.text, verdict.meets ? "meets" : "**misses**"] : ["", ""];
}

/** A Markdown table. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((cell) => cell.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Notes on contenders that change the bytes, ignore expiry and such, as a list under a table. */
function notes(rows: readonly { contender: string; notes: readonly string[] }[]): string {
  const seen = new Map<string, readonly string[]>();
  for (const row of rows) if (row.notes.length > 0) seen.set(row.contender, row.notes);
  return [...seen].map(([contender, list]) => `- ${contender}: ${list.join("; ")}`).join("\n");
}

/**
 * The Markdown table of the write-then-read workloads of one backend: medians over rounds, the
 * median per-round ratio to the floor, and the verdict where the issue sets a target.
 */
export function throughputTable(rows: readonly PhaseResult[]): string {
  const body = rows.map((row) => {
    const floor = rows.find((other) => other.workload === row.workload && other.op === row.op && other.role === "floor");
    const ratio = floor ? roundRatio(row.opsPerSecond, floor.opsPerSecond) : NaN;
    return [
      row.title,
      row.op,
      row.contender,
      integer(median(row.opsPerSecond)),
      micros(median(row.p50Micros)),
      micros(median(row.p99Micros)),
      ratioText(ratio),
      ...verdictCells(throughputVerdict(row, rows)),
    ];
  });
  const header = ["workload", "op", "contender", "ops/s", "p50 µs", "p99 µs", "× floor", "target", "verdict"];
  return [table(header, body), notes(rows)].filter((part) => part !== "").join("\n\n");
}

/** The Markdown table of the `deleteAll` workload of one backend. */
export function deleteAllTable(rows: readonly DeleteAllResult[]): string {
  const floor = rows.find((row) => row.role === "floor");
  const body = rows.map((row) => [
    row.contender,
    integer(row.entries),
    milliseconds(median(row.milliseconds)),
    floor ? ratioText(roundRatio(row.milliseconds, floor.milliseconds)) : "n/a",
    `${integer(Math.max(...row.survivorsDeleted))} / ${integer(row.entries)}`,
    `${integer(Math.min(...row.survivorsSibling))} / ${integer(row.entries)}`,
    ...verdictCells(deleteAllVerdict(row, rows)),
  ]);
  const header = ["contender", "entries per namespace", "deleteAll ms", "× floor time", "left in deleted (worst round)", "left in sibling (worst round)", "target", "verdict"];
  return [table(header, body), notes(rows)].filter((part) => part !== "").join("\n\n");
}

/** The Markdown table of memory per entry, with the ratio to the first (floor) row. */
export function memoryTable(rows: readonly MemoryResult[]): string {
  const floor = rows[0];
  const body = rows.map((row) => [
    row.contender,
    integer(row.entries),
    integer(row.bytesPerEntry),
    integer(row.rssBytesPerEntry),
    floor ? ratioText(row.bytesPerEntry / floor.bytesPerEntry) : "n/a",
  ]);
  return table(["contender", "entries", "heap + external B/entry", "RSS B/entry", "× floor"], body);
}

/** Counts the verdicts of a run, for the summary line. */
export function countVerdicts(verdicts: readonly (Verdict | undefined)[]): { meets: number; misses: number } {
  const given = verdicts.filter((verdict): verdict is Verdict => verdict !== undefined);
  return { meets: given.filter((verdict) => verdict.meets).length, misses: given.filter((verdict) => !verdict.meets).length };
}
