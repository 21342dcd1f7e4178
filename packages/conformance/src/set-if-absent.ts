import { InvalidArgumentError } from "@stowage/core";
import type { CaseDefinition } from "./case-definition.js";
import { expectBytes, expectExpiryKept, expectRejection, expectSecondsLeft, fail, within } from "./assertions.js";
import { INVALID_DURATIONS } from "./durations.js";
import { EXPIRED_AFTER_MS, SHORT_TTL_MS, randomKey, show, sleep, utf8 } from "./fixtures.js";
import { NOT_BYTES } from "./values.js";
import { expect } from "./expect.js";

/** How many callers race for one key. */
const RACERS = 100;

/** `setIfAbsent`: writes only where no live entry is, one winner per race, nothing touched otherwise. */
export function setIfAbsentCases(): CaseDefinition[] {
  return [
    {
      name: "setIfAbsent writes a missing key and resolves true, then resolves false and changes nothing",
      async run(store) {
        const key = randomKey();
        expect(await store.setIfAbsent(key, utf8("first"))).toBe(true);
        expectBytes(await store.get(key), utf8("first"), "the value setIfAbsent wrote");
        expect(await store.expiresIn(key)).toBeNull();
        expect(await store.setIfAbsent(key, utf8("second"))).toBe(false);
        expect(await store.setIfAbsent(key, "third", { expiresIn: "1h" })).toBe(false);
        expectBytes(await store.get(key), utf8("first"), "the value after two refused calls");
        await within("an entry without expiry after a refused call with expiresIn", async () => expect(await store.expiresIn(key)).toBeNull());
        // The empty value is a value, so its key is not absent.
        const empty = randomKey("empty");
        expect(await store.setIfAbsent(empty, "")).toBe(true);
        expect(await store.setIfAbsent(empty, utf8("x"))).toBe(false);
        expectBytes(await store.get(empty), new Uint8Array(0), "an empty value after a refused call");
      },
    },
    {
      name: "setIfAbsent on a live entry with an expiry leaves value and expiry exactly as they were",
      async run(store) {
        const key = randomKey();
        const started = performance.now();
        await store.set(key, utf8("kept"), { expiresIn: "1h" });
        const before = await store.expiresIn(key);
        const beforeAt = performance.now();
        await sleep(20); // a store that sets "1h" again moves the deadline 20 ms later
        for (const options of [{ expiresIn: "1h" }, { expiresIn: "2h" }, { expiresIn: "30s" }, {}, undefined]) {
          await within(`setIfAbsent(key, value, ${JSON.stringify(options)})`, async () => {
            expect(await store.setIfAbsent(key, utf8("other"), options)).toBe(false);
            expectBytes(await store.get(key), utf8("kept"), "the value");
            const askedAt = performance.now();
            const left = await store.expiresIn(key);
            expectSecondsLeft(left, 3_600, performance.now() - started, "the expiry");
            expectExpiryKept(before as number, beforeAt, left, askedAt, "the expiry");
          });
        }
      },
    },
    {
      name: "setIfAbsent applies expiresIn to the entry it creates, and stores only the caller's bytes",
      async run(store) {
        const key = randomKey();
        const started = performance.now();
        expect(await store.setIfAbsent(key, utf8("v"), { expiresIn: "30s" })).toBe(true);
        expectSecondsLeft(await store.expiresIn(key), 30, performance.now() - started, "the expiry setIfAbsent gave");
        const whole = Uint8Array.from([1, 2, 3, 4, 5, 6]);
        const [view, aliased] = [randomKey("view"), randomKey("aliased")];
        expect(await store.setIfAbsent(view, whole.subarray(1, 4))).toBe(true);
        expectBytes(await store.get(view), Uint8Array.from([2, 3, 4]), "bytes 1..3 of a 6-byte buffer");
        const value = Uint8Array.from([7, 7, 7]);
        expect(await store.setIfAbsent(aliased, value)).toBe(true);
        value.fill(9);
        expectBytes(await store.get(aliased), Uint8Array.from([7, 7, 7]), "get after changing the array given to setIfAbsent");
      },
    },
    {
      name: "an expired entry counts as absent: setIfAbsent replaces it, with its own expiry or none",
      async run(store) {
        const [plain, expiring, short, deleted] = [randomKey("plain"), randomKey("expiring"), randomKey("short"), randomKey("deleted")];
        for (const key of [plain, expiring]) await store.set(key, utf8("old"), { expiresIn: `${SHORT_TTL_MS}ms` });
        expect(await store.setIfAbsent(short, utf8("short"), { expiresIn: `${SHORT_TTL_MS}ms` })).toBe(true);
        await store.set(deleted, utf8("old"), { expiresIn: "1h" });
        await store.delete(deleted);
        await sleep(EXPIRED_AFTER_MS);
        const started = performance.now();
        await within("an expired entry, replaced without expiresIn", async () => {
          expect(await store.setIfAbsent(plain, utf8("new"))).toBe(true);
          expectBytes(await store.get(plain), utf8("new"), "get");
          expect(await store.expiresIn(plain)).toBeNull();
        });
        await within("an expired entry, replaced with expiresIn 1 h", async () => {
          expect(await store.setIfAbsent(expiring, utf8("new"), { expiresIn: "1h" })).toBe(true);
          expectBytes(await store.get(expiring), utf8("new"), "get");
          expectSecondsLeft(await store.expiresIn(expiring), 3_600, performance.now() - started, "expiresIn");
        });
        await within("an entry setIfAbsent created with a short expiry, after it passed", async () => {
          expect(await store.get(short)).toBeNull();
          expect(await store.setIfAbsent(short, utf8("again"))).toBe(true);
          expectBytes(await store.get(short), utf8("again"), "get");
        });
        await within("a deleted entry", async () => expect(await store.setIfAbsent(deleted, utf8("new"))).toBe(true));
      },
    },
    {
      name: `of ${RACERS} concurrent setIfAbsent calls on one key exactly one resolves true, and get returns its value`,
      async run(store) {
        for (const expiresIn of [undefined, "1h"]) {
          const key = randomKey();
          const outcomes = await Promise.all(
            Array.from({ length: RACERS }, (_, index) => store.setIfAbsent(key, utf8(`writer ${index}`), expiresIn ? { expiresIn } : undefined)),
          );
          await within(`the race${expiresIn ? ` with expiresIn ${expiresIn}` : ""}`, async () => {
            const winners = outcomes.flatMap((won, index) => (won === true ? [index] : []));
            if (winners.length !== 1) fail(`${winners.length} calls resolved true (writers ${winners.slice(0, 5).join(", ")}), expected exactly one`);
            const losers = outcomes.filter((won) => won === false).length;
            if (losers !== RACERS - 1) fail(`${losers} calls resolved false, expected ${RACERS - 1}; every call resolves a boolean`);
            expectBytes(await store.get(key), utf8(`writer ${winners[0]}`), `the value of the winner, writer ${winners[0]}`);
          });
        }
      },
    },
    {
      name: "setIfAbsent rejects bad values and durations with InvalidArgumentError, writing nothing",
      async run(store) {
        const existing = randomKey("existing");
        await store.set(existing, utf8("kept"));
        const attempts: ReadonlyArray<[string, () => unknown, unknown]> = [
          ...NOT_BYTES.map(([label, make]): [string, () => unknown, unknown] => [`value: ${label}`, make, undefined]),
          ...INVALID_DURATIONS.map((duration): [string, () => unknown, unknown] => [`expiresIn: ${show(duration)}`, () => "x", { expiresIn: duration }]),
          ["options 5", () => "x", 5],
        ];
        for (const [label, make, options] of attempts) {
          const fresh = randomKey("fresh");
          await within(label, async () => {
            const call = (key: string) => () => store.setIfAbsent(key, make() as string, options as undefined);
            await expectRejection(call(fresh), InvalidArgumentError, "setIfAbsent on a missing key");
            await expectRejection(call(existing), InvalidArgumentError, "setIfAbsent on an existing key");
            expect(await store.exists(fresh)).toBe(false);
            expectBytes(await store.get(existing), utf8("kept"), "the existing value");
            expect(await store.expiresIn(existing)).toBeNull();
          });
        }
      },
    },
  ];
}
