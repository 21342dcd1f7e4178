import type { ConformanceCase } from "../src/index.js";

/** What running one case gave: its failure, if it failed. */
export interface CaseOutcome {
  group: string;
  name: string;
  skipped: boolean;
  failure?: unknown;
}

/**
 * Runs every case at once (each has its own store, so they do not interfere) and reports each
 * outcome instead of stopping at the first failure.
 */
export async function runCases(cases: readonly ConformanceCase[]): Promise<CaseOutcome[]> {
  return Promise.all(
    cases.map(async ({ group, name, skipReason, run }): Promise<CaseOutcome> => {
      if (skipReason !== undefined) return { group, name, skipped: true };
      try {
        await run();
        return { group, name, skipped: false };
      } catch (failure) {
        return { group, name, skipped: false, failure };
      }
    }),
  );
}

/** The outcomes that failed, as "group › name" lines with the first line of each failure. */
export function describeFailures(outcomes: readonly CaseOutcome[]): string[] {
  return outcomes
    .filter((outcome) => outcome.failure !== undefined)
    .map((outcome) => `${outcome.group} › ${outcome.name}: ${String((outcome.failure as Error)?.message ?? outcome.failure).split("\n")[0]}`);
}
