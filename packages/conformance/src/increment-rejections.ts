import { InvalidArgumentError, type Store } from "@stowage/core";
import type { CaseDefinition } from "./case-definition.js";
import { expectBytes, expectRejection, expectSecondsLeft, fail, within } from "./assertions.js";
import { INVALID_DURATIONS } from "./durations.js";
import { expect } from "./expect.js";
import { randomKey, show, utf8 } from "./fixtures.js";
import { expectText } from "./increment.js";

const MAX = Number.MAX_SAFE_INTEGER;

/** Entries that do not hold a counter: `increment` rejects each and leaves it as it was. */
const NOT_COUNTERS: ReadonlyArray<[string, Uint8Array | string]> = [
  ["a decimal fraction", "4.5"], ["letters", "abc"], ["a plus sign", "+1"], ["leading zeros", "007"], ["minus zero", "-0"],
  ["a leading space", " 1"], ["a trailing space", "1 "], ["a trailing newline", "1\n"], ["the empty value", ""],
  ["an exponent", "1e3"], ["hexadecimal", "0x10"], ["two minus signs", "--1"], ["Arabic-Indic digits", "٤٢"],
  ["2^53, past the safe range", "9007199254740992"], ["-2^53", "-9007199254740992"], ["twenty digits", "12345678901234567890"],
  ["a trailing NUL", "42\u0000"], ["Infinity", "Infinity"], ["binary", Uint8Array.from([0xff, 0x00, 0x2a])],
];

/** `by` values that are not safe integers. */
const BAD_BY: readonly unknown[] = [1.5, -0.5, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), "1", null, true, 1n, {}];

/** Overflows: [label, the entry's text, by]. Each result leaves ±(2^53-1). */
const OVERFLOWS: ReadonlyArray<[string, string, number]> = [
  ["2^53-1 plus 1", String(MAX), 1], ["-(2^53-1) minus 1", String(-MAX), -1], ["1 plus 2^53-1", "1", MAX],
  ["-1 minus 2^53-1", "-1", -MAX], ["2^53-1 plus 2^53-1", String(MAX), MAX], ["-(2^53-1) minus 2^53-1", String(-MAX), -MAX],
  ["2^53-2 plus 2", String(MAX - 1), 2],
];

/**
 * Checks that `key` still holds `value` with the expiry it was given (`"1h"` set `started`
 * milliseconds of `performance.now()` ago, or none).
 */
async function expectUnchanged(store: Store, key: string, value: Uint8Array | string, expiring: boolean, started: number): Promise<void> {
  expectBytes(await store.get(key), typeof value === "string" ? utf8(value) : value, "the value after the rejected call");
  const left = await store.expiresIn(key);
  if (expiring) expectSecondsLeft(left, 3_600, performance.now() - started, "the expiry after the rejected call");
  else if (left !== null) fail(`the entry had no expiry, but after the rejected call expiresIn returned ${show(left)}`);
}

/** `increment` rejections: each leaves the entry exactly as it was, value and expiry. Part of the `increment` group. */
export function incrementRejectionCases(): CaseDefinition[] {
  return [
    {
      name: "increment rejects an entry that is not a decimal integer with InvalidArgumentError, changing neither value nor expiry",
      async run(store) {
        for (const [index, [label, value]] of NOT_COUNTERS.entries()) {
          const key = randomKey();
          const expiring = index % 2 === 0;
          const started = performance.now();
          await store.set(key, value, expiring ? { expiresIn: "1h" } : undefined);
          await within(`an entry holding ${label}`, async () => {
            await expectRejection(() => store.increment(key), InvalidArgumentError, "increment");
            await expectRejection(() => store.increment(key, { by: 0 }), InvalidArgumentError, "increment by 0");
            await expectRejection(() => store.increment(key, { by: -1, expiresIn: "30s" }), InvalidArgumentError, "increment by -1 with expiresIn");
            await expectUnchanged(store, key, value, expiring, started);
          });
        }
      },
    },
    {
      name: "increment rejects a by that is not a safe integer, and bad options, creating and changing nothing",
      async run(store) {
        const [missing, existing] = [randomKey("missing"), randomKey("existing")];
        const started = performance.now();
        await store.set(existing, "5", { expiresIn: "1h" });
        const attempts: ReadonlyArray<[string, unknown]> = [
          ...BAD_BY.map((by): [string, unknown] => [`by: ${show(by)}`, { by }]),
          ...INVALID_DURATIONS.map((duration): [string, unknown] => [`expiresIn: ${show(duration)}`, { expiresIn: duration }]),
          ["options 5", 5], ['options "1"', "1"],
        ];
        for (const [label, options] of attempts) {
          await within(label, async () => {
            const call = (key: string) => () => store.increment(key, options as { by: number });
            await expectRejection(call(missing), InvalidArgumentError, "increment of a missing key");
            await expectRejection(call(existing), InvalidArgumentError, "increment of a counter");
            expect(await store.exists(missing)).toBe(false);
            await expectUnchanged(store, existing, "5", true, started);
          });
        }
      },
    },
    {
      name: "increment rejects a result outside ±(2^53-1), in both directions, changing neither value nor expiry",
      async run(store) {
        for (const [index, [label, text, by]] of OVERFLOWS.entries()) {
          const key = randomKey();
          const expiring = index % 2 === 1;
          const started = performance.now();
          await store.set(key, text, expiring ? { expiresIn: "1h" } : undefined);
          await within(label, async () => {
            await expectRejection(() => store.increment(key, { by }), InvalidArgumentError, "increment");
            await expectUnchanged(store, key, text, expiring, started);
          });
        }
        const edge = randomKey();
        await store.set(edge, String(MAX - 1));
        expect(await store.increment(edge)).toBe(MAX);
        expect(await store.increment(edge, { by: 0 })).toBe(MAX);
        expect(await store.increment(edge, { by: -MAX })).toBe(0);
        expect(await store.increment(edge, { by: -MAX })).toBe(-MAX);
        await expectText(store, edge, String(-MAX), "the entry at -(2^53-1)");
      },
    },
  ];
}
