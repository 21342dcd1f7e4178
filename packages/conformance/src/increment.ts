import { InvalidArgumentError, type Duration, type Store } from "@stowage/core";
import type { CaseDefinition } from "./case-definition.js";
import { expectBytes, expectExpiryKept, expectPermutation, expectRejection, expectSecondsLeft, fail, within } from "./assertions.js";
import { INVALID_DURATIONS } from "./durations.js";
import { EXPIRED_AFTER_MS, SHORT_TTL_MS, randomKey, show, sleep, utf8 } from "./fixtures.js";
import { expect } from "./expect.js";

const MAX = Number.MAX_SAFE_INTEGER;

/** How many increments race on one key: enough to interleave on any backend, few enough to stay fast. */
const RACERS = 200;

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

async function expectText(store: Store, key: string, text: string, what: string): Promise<void> {
  expectBytes(await store.get(key), utf8(text), `${what}: get should return the text ${JSON.stringify(text)}`);
}

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

/** `increment`: atomic, decimal text, expiry only on creation, and every rejection changes nothing. */
export function incrementCases(): CaseDefinition[] {
  return [
    {
      name: "increment of a missing key creates it: by default 1, stored as text, without expiry",
      async run(store) {
        const key = randomKey();
        expect(await store.increment(key)).toBe(1);
        await expectText(store, key, "1", "after the first increment");
        expect(await store.exists(key)).toBe(true);
        expect(await store.expiresIn(key)).toBeNull();
        expect(await store.increment(key, {})).toBe(2);
        expect(await store.increment(key, { by: undefined })).toBe(3);
        expect(await store.increment(key, { expiresIn: undefined })).toBe(4);
        await expectText(store, key, "4", "after four increments");
        expect(await store.expiresIn(key)).toBeNull();
      },
    },
    {
      name: "increment adds by (zero and negative too) and the entry holds the decimal text get returns",
      async run(store) {
        const key = randomKey();
        for (const [by, result] of [[-12, -12], [0, -12], [54, 42], [-42, 0], [-1, -1], [1, 0]] as const) {
          await within(`increment by ${by}`, async () => {
            expect(await store.increment(key, { by })).toBe(result);
            await expectText(store, key, String(result), "the entry");
          });
        }
        for (const [by, text] of [[0, "0"], [MAX, "9007199254740991"], [-MAX, "-9007199254740991"]] as const) {
          const fresh = randomKey();
          await within(`increment of a missing key by ${by}`, async () => {
            expect(await store.increment(fresh, { by })).toBe(by);
            await expectText(store, fresh, text, "the created entry");
          });
        }
      },
    },
    {
      name: 'an entry set to "41" increments to 42: a counter is plain decimal text, however it was written',
      async run(store) {
        const entries: ReadonlyArray<[Uint8Array | string, number, number]> = [
          ["41", 1, 42], [utf8("-12"), 2, -10], ["0", -1, -1], ["9007199254740990", 1, MAX], ["-9007199254740990", -1, -MAX], ["7", 0, 7],
        ];
        for (const [value, by, result] of entries) {
          const key = randomKey();
          await store.set(key, value);
          await within(`an entry set to ${show(typeof value === "string" ? value : new TextDecoder().decode(value))}, by ${by}`, async () => {
            expect(await store.increment(key, { by })).toBe(result);
            await expectText(store, key, String(result), "the entry");
            expect(await store.expiresIn(key)).toBeNull();
          });
        }
      },
    },
    {
      name: "a live entry keeps its expiry exactly: expiresIn applies only when increment creates the entry",
      async run(store) {
        const key = randomKey();
        const started = performance.now();
        expect(await store.increment(key, { expiresIn: "1h" })).toBe(1);
        let previous = await store.expiresIn(key);
        let previousAt = performance.now();
        expectSecondsLeft(previous, 3_600, previousAt - started, "the expiry increment gave the entry it created");
        // 20 ms apart: a store that applies "1h" again moves the deadline 20 ms later, which
        // millisecond resolution shows; "2h" and "30s" would move it by far more.
        await sleep(20);
        const later: ReadonlyArray<{ by?: number; expiresIn?: Duration }> = [{ expiresIn: "1h" }, { expiresIn: "2h" }, { expiresIn: "30s" }, {}, { by: 5, expiresIn: "250ms" }];
        for (const options of later) {
          await within(`increment(key, ${JSON.stringify(options)}) of a live counter`, async () => {
            await store.increment(key, options);
            const askedAt = performance.now();
            const left = await store.expiresIn(key);
            expectSecondsLeft(left, 3_600, performance.now() - started, "expiresIn");
            expectExpiryKept(previous as number, previousAt, left, askedAt, "expiresIn");
            [previous, previousAt] = [left, performance.now()];
          });
        }
        await expectText(store, key, "10", "after the increments");
        const [persistent, expiring] = [randomKey("persistent"), randomKey("expiring")];
        const setAt = performance.now();
        await store.set(persistent, "5");
        await store.set(expiring, "41", { expiresIn: "1h" });
        expect(await store.increment(persistent, { expiresIn: "1h" })).toBe(6);
        expect(await store.increment(expiring, { expiresIn: "30s" })).toBe(42);
        await within("a counter set without expiry, incremented with expiresIn", async () => expect(await store.expiresIn(persistent)).toBeNull());
        await within("a counter set with 1 h, incremented with expiresIn 30 s", async () => {
          expectSecondsLeft(await store.expiresIn(expiring), 3_600, performance.now() - setAt, "expiresIn");
        });
      },
    },
    {
      name: "an expired entry counts as 0: increment recreates it, with expiresIn or without expiry",
      async run(store) {
        const [counter, text, withoutExpiresIn] = [randomKey("counter"), randomKey("text"), randomKey("plain")];
        await store.increment(counter, { by: 41, expiresIn: `${SHORT_TTL_MS}ms` });
        await store.set(text, "abc", { expiresIn: `${SHORT_TTL_MS}ms` });
        await store.set(withoutExpiresIn, "41", { expiresIn: `${SHORT_TTL_MS}ms` });
        await sleep(EXPIRED_AFTER_MS);
        const started = performance.now();
        await within("an expired counter incremented with expiresIn 1 h", async () => {
          expect(await store.increment(counter, { expiresIn: "1h" })).toBe(1);
          await expectText(store, counter, "1", "the recreated entry");
          expectSecondsLeft(await store.expiresIn(counter), 3_600, performance.now() - started, "its expiry");
        });
        // An expired entry is absent, whatever it held: it is not a non-counter to reject.
        await within('an expired entry that held "abc"', async () => {
          expect(await store.increment(text)).toBe(1);
          await expectText(store, text, "1", "the recreated entry");
          expect(await store.expiresIn(text)).toBeNull();
        });
        await within("an expired counter incremented without expiresIn", async () => {
          expect(await store.increment(withoutExpiresIn, { by: -3 })).toBe(-3);
          await expectText(store, withoutExpiresIn, "-3", "the recreated entry");
          expect(await store.expiresIn(withoutExpiresIn)).toBeNull();
        });
      },
    },
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
    {
      name: `${RACERS} concurrent increments move the value by exactly ${RACERS} × by, each result returned once`,
      async run(store) {
        const [up, down] = [randomKey("up"), randomKey("down")];
        const ones = await Promise.all(Array.from({ length: RACERS }, () => store.increment(up)));
        expectPermutation(ones, Array.from({ length: RACERS }, (_, index) => index + 1), "the values the increments by 1 resolved");
        await expectText(store, up, String(RACERS), "after the race");
        const started = performance.now();
        const downs = await Promise.all(Array.from({ length: RACERS }, () => store.increment(down, { by: -3, expiresIn: "1h" })));
        expectPermutation(downs, Array.from({ length: RACERS }, (_, index) => -3 * (index + 1)), "the values the increments by -3 resolved");
        await expectText(store, down, String(-3 * RACERS), "after the race by -3");
        expectSecondsLeft(await store.expiresIn(down), 3_600, performance.now() - started, "the expiry of the counter the race created");
      },
    },
  ];
}
