import { conformanceCases } from "../src/index.js";
import { CATALOGUE } from "./catalogue.js";
import { FAULTS, FaultyStore } from "./faulty-store.js";
import { runCases } from "./run-cases.js";

describe("every broken store fails the suite, in the group that covers its fault", () => {
  // Each broken store runs the group that covers its fault (the control store passes every
  // group, control.test.ts): the whole suite per fault would cost minutes, not seconds.
  test.concurrent.each(CATALOGUE)("$fault ($what) fails $group", async ({ fault, group, cases }) => {
    const all = conformanceCases({ name: `FaultyStore[${fault}]`, create: () => new FaultyStore([fault]) });
    const outcomes = await runCases(all.filter((entry) => entry.group === group));
    const failed = outcomes.filter((outcome) => outcome.failure !== undefined).map((outcome) => `${outcome.group} › ${outcome.name}`);
    // The store fails where its fault belongs, in the cases named for it.
    expect(failed).toEqual(expect.arrayContaining(cases.map((name) => `${group} › ${name}`)));
    // Every expected case exists, so a renamed case cannot make this test pass vacuously.
    for (const name of cases) expect(outcomes.map((outcome) => outcome.name)).toContain(name);
  }, 60_000);

  test("the catalogue covers every fault FaultyStore knows, each once", () => {
    const faults = CATALOGUE.map((entry) => entry.fault);
    expect(new Set(faults).size).toBe(faults.length);
    expect([...faults].sort()).toEqual([...FAULTS].sort());
  });
});
