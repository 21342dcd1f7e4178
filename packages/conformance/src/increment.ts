import type { Duration, Store } from "@stowage/core";
import type { CaseDefinition } from "./case-definition.js";
import { expectBytes, expectExpiryKept, expectPermutation, expectSecondsLeft, within } from "./assertions.js";
import { EXPIRED_AFTER_MS, SHORT_TTL_MS, randomKey, show, sleep, utf8 } from "./fixtures.js";
import { expect } from "./expect.js";

const MAX = Number.MAX_SAFE_INTEGER;

/** How many increments race on one key: enough to interleave on any backend, few enough to stay fast. */
const RACERS = 100;

/** Checks that `get` returns exactly the decimal text `text`. */
export async function expectText(store: Store, key: string, text: string, what: string): Promise<void> {
  expectBytes(await store.get(key), utf8(text), `${what}: get should return the text ${JSON.stringify(text)}`);
}

/** `increment`: atomic, decimal text, expiry only on creation. The rejections are in increment-rejections.ts. */
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
