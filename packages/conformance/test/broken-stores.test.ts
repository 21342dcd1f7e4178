import { conformanceCases } from "../src/index.js";
import { FAULTS, type Fault, FaultyStore } from "./faulty-store.js";
import { runCases } from "./run-cases.js";

/**
 * Each broken store, the group that must catch it, and the cases there that must fail. A
 * broken store that passes is a hole in the suite: fix the suite, not this table.
 */
const CATALOGUE: ReadonlyArray<{ fault: Fault; what: string; group: string; cases: string[] }> = [
  { fault: "ignores-expiry", what: "serves entries after they expired", group: "expiry", cases: ["an expired entry is gone on every read path"] },
  { fault: "exists-ignores-expiry", what: "exists() ignores expiry", group: "expiry", cases: ["an expired entry is gone on every read path"] },
  { fault: "set-keeps-old-expiry", what: "set without expiresIn keeps the old expiry", group: "expiry", cases: ["set without expiresIn clears the expiry of the value it overwrites"] },
  { fault: "whole-second-ttl", what: "expiresIn reports whole seconds", group: "expiry", cases: ["expiresIn reports the seconds left with millisecond resolution"] },
  { fault: "aliases-set", what: "keeps a reference to the caller's array", group: "values", cases: ["changing the array given to set, after set resolved, does not change the stored value"] },
  { fault: "aliases-get", what: "returns its internal array from get", group: "values", cases: ["changing what get returned does not change the stored value"] },
  { fault: "stores-whole-buffer", what: "stores a view's whole underlying buffer", group: "values", cases: ["a Buffer, and a Uint8Array viewing part of a larger buffer, store just their bytes"] },
  { fault: "strings-as-latin1", what: "encodes strings as Latin-1", group: "values", cases: ["a string is stored as its UTF-8 bytes"] },
  { fault: "drops-large-values", what: "resolves writes of large values it never made", group: "values", cases: ["a value of 8 MiB survives whole"] },
  { fault: "drops-empty-values", what: "resolves writes of empty values it never made", group: "values", cases: ["an empty value is a value: exists is true and get returns an empty array"] },
  { fault: "accepts-any-array-view", what: "accepts ArrayBuffer, DataView and other typed arrays", group: "values", cases: ["set rejects every value that is not bytes or a string with InvalidArgumentError, writing nothing"] },
  { fault: "coerces-values-to-strings", what: "stores String(value) for non-bytes", group: "values", cases: ["set rejects every value that is not bytes or a string with InvalidArgumentError, writing nothing"] },
  { fault: "resurrects-on-renew", what: "renewal brings expired entries back", group: "renew", cases: ["renewing an expired key returns null and does not resurrect it"] },
  { fault: "renew-gives-expiry", what: "renewal gives entries without expiry one", group: "renew", cases: ["renewFor on a key without expiry returns the value and gives it no expiry"] },
  { fault: "renew-rewrites-value", what: "renewal reads, then writes the value back (not atomic)", group: "concurrency", cases: ["a renewal racing a set never brings back the old value or its expiry", "a renewal racing a delete never resurrects the entry"] },
  { fault: "coerces-non-string-keys", what: "accepts non-string keys as String(key)", group: "keys", cases: ["invalid keys are rejected with InvalidKeyError on every operation, writing nothing"] },
  { fault: "replaces-lone-surrogates", what: "accepts lone surrogates as U+FFFD", group: "keys", cases: ["invalid keys are rejected with InvalidKeyError on every operation, writing nothing"] },
  { fault: "truncates-long-keys", what: "truncates keys over 64 KiB", group: "keys", cases: ["invalid keys are rejected with InvalidKeyError on every operation, writing nothing"] },
  { fault: "case-insensitive-keys", what: "folds keys to lower case", group: "keys", cases: ["awkward keys each round-trip and stay distinct"] },
  { fault: "normalizes-keys", what: "normalizes keys to NFC", group: "keys", cases: ["awkward keys each round-trip and stay distinct"] },
  { fault: "zero-means-forever", what: "accepts expiresIn: 0 as no expiry", group: "expiry", cases: ["expiresIn rejects every invalid duration with InvalidArgumentError, writing nothing", "renewFor rejects every invalid duration with InvalidArgumentError, changing nothing"] },
  { fault: "lenient-durations", what: "parses durations with parseFloat", group: "expiry", cases: ["every valid duration form is accepted and sets that expiry", "expiresIn rejects every invalid duration with InvalidArgumentError, writing nothing", "renewFor rejects every invalid duration with InvalidArgumentError, changing nothing"] },
  { fault: "deleteAll-prefix-sibling", what: "deleteAll on cache also clears cache2", group: "namespaces", cases: ["deleteAll spares siblings whose names start with the same letters"] },
  { fault: "namespace-separator", what: 'keys namespaces as ns + ":" + key', group: "namespaces", cases: ["namespace names and keys holding separator characters never collide, nor do their deleteAlls"] },
  { fault: "flat-namespaces", what: "ignores namespaces", group: "namespaces", cases: ["the same key in a parent, a child, a grandchild and a sibling is four entries, isolated both ways"] },
  { fault: "deleteAll-climbs-up", what: "deleteAll on a view clears its parent", group: "namespaces", cases: ["deleteAll reaches three levels down, never up or sideways"] },
  { fault: "close-not-enforced", what: "keeps working after close", group: "lifecycle", cases: ["every operation rejects with StoreClosedError after close", "await using closes the store at the end of the block", "closing the root closes every view made from it"] },
  { fault: "view-close-closes-root", what: "closing a view closes the root", group: "lifecycle", cases: ["closing a view closes that view only: the root and its siblings stay usable"] },
  { fault: "torn-writes", what: "rewrites values in place, a chunk at a time", group: "concurrency", cases: ["200 concurrent sets of one key leave exactly one of the values, whole", "a concurrent mix of get, set, delete and exists never yields a partial value"] },
];

describe("every broken store fails the suite, in the group that covers its fault", () => {
  test.concurrent.each(CATALOGUE)("$fault ($what) fails $group", async ({ fault, group, cases }) => {
    const outcomes = await runCases(conformanceCases({ name: `FaultyStore[${fault}]`, create: () => new FaultyStore([fault]) }));
    const failed = outcomes.filter((outcome) => outcome.failure !== undefined).map((outcome) => `${outcome.group} › ${outcome.name}`);
    // (a) the store fails at all, (b) it fails where its fault belongs, in the cases named above.
    expect(failed.length).toBeGreaterThan(0);
    expect(failed).toEqual(expect.arrayContaining(cases.map((name) => `${group} › ${name}`)));
    // Every expected case exists, so a renamed case cannot make this test pass vacuously.
    for (const name of cases) expect(outcomes.map((outcome) => outcome.name)).toContain(name);
  }, 60_000);

  test("the catalogue covers every fault FaultyStore knows", () => {
    const faults = CATALOGUE.map((entry) => entry.fault);
    expect(new Set(faults).size).toBe(faults.length);
    expect([...faults].sort()).toEqual([...FAULTS].sort());
  });
});
