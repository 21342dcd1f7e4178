import { InvalidArgumentError, type Duration } from "@stowage/core";
import type { CaseDefinition } from "./case-definition.js";
import { expectBytes, expectRejection, expectSecondsLeft, within } from "./assertions.js";
import { INVALID_DURATIONS, VALID_DURATIONS } from "./durations.js";
import { EXPIRED_AFTER_MS, SHORT_TTL_MS, randomKey, show, sleep, utf8 } from "./fixtures.js";
import { expect } from "./expect.js";

/** Sets `key` with `duration` and checks the seconds left, allowing for the time the round trip took. */
async function setAndCheckTtl(store: Parameters<CaseDefinition["run"]>[0], duration: Duration, seconds: number): Promise<void> {
  const key = randomKey();
  const started = performance.now();
  await store.set(key, utf8("x"), { expiresIn: duration });
  const left = await store.expiresIn(key);
  const elapsed = performance.now() - started;
  // An entry this short may be gone by the time expiresIn runs; only then is null right.
  if (left === null && elapsed >= seconds * 1_000 - 5) return;
  expectSecondsLeft(left, seconds, elapsed, `expiresIn: ${show(duration)}`);
}

/** Durations, expiry on every read path, and how `set` treats an earlier expiry. */
export function expiryCases(): CaseDefinition[] {
  return [
    {
      name: "every valid duration form is accepted and sets that expiry",
      async run(store) {
        for (const [duration, seconds] of VALID_DURATIONS) await setAndCheckTtl(store, duration, seconds);
      },
    },
    {
      name: "expiresIn reports the seconds left with millisecond resolution",
      async run(store) {
        // 10,999 ms: a store counting whole seconds reports 10 or 11, both outside the bound.
        for (const [duration, seconds] of [["10s", 10], ["10999ms", 10.999], [2.5, 2.5], [0.9, 0.9]] as const) {
          await setAndCheckTtl(store, duration, seconds);
        }
      },
    },
    {
      name: "expiresIn rejects every invalid duration with InvalidArgumentError, writing nothing",
      async run(store) {
        const existing = randomKey("existing");
        await store.set(existing, utf8("kept"));
        for (const duration of INVALID_DURATIONS) {
          const fresh = randomKey("fresh");
          await within(`expiresIn: ${show(duration)}`, async () => {
            const options = { expiresIn: duration as Duration };
            await expectRejection(() => store.set(fresh, utf8("x"), options), InvalidArgumentError, "set on a new key");
            await expectRejection(() => store.set(existing, utf8("x"), options), InvalidArgumentError, "set on an existing key");
            expect(await store.exists(fresh)).toBe(false);
            expectBytes(await store.get(existing), utf8("kept"), "the value the rejected set would have replaced");
            expect(await store.expiresIn(existing)).toBeNull();
          });
        }
      },
    },
    {
      name: "renewFor rejects every invalid duration with InvalidArgumentError, changing nothing",
      async run(store) {
        const [persistent, expiring] = [randomKey("persistent"), randomKey("expiring")];
        const started = performance.now();
        await store.set(persistent, utf8("p"));
        await store.set(expiring, utf8("e"), { expiresIn: "1h" });
        for (const duration of INVALID_DURATIONS) {
          await within(`renewFor: ${show(duration)}`, async () => {
            const options = { renewFor: duration as Duration };
            await expectRejection(() => store.get(persistent, options), InvalidArgumentError, "get of a key without expiry");
            await expectRejection(() => store.get(expiring, options), InvalidArgumentError, "get of an expiring key");
            await expectRejection(() => store.get(randomKey("missing"), options), InvalidArgumentError, "get of a missing key");
            expect(await store.expiresIn(persistent)).toBeNull();
            expectSecondsLeft(await store.expiresIn(expiring), 3_600, performance.now() - started, "the expiry a rejected renewal would have moved");
          });
        }
      },
    },
    {
      name: "an expired entry is gone on every read path",
      async run(store) {
        // Each read path gets its own entry: a read that reclaims an expired entry must not hide
        // another read path that would still have seen it.
        const [forExists, forExpiresIn, forGet, forRenew, persistent, lasting] = Array.from({ length: 6 }, () => randomKey());
        for (const key of [forExists, forExpiresIn, forGet, forRenew]) {
          await store.set(key!, utf8("short-lived"), { expiresIn: `${SHORT_TTL_MS}ms` });
        }
        await store.set(persistent!, utf8("persistent"));
        await store.set(lasting!, utf8("lasting"), { expiresIn: "1h" });
        await sleep(EXPIRED_AFTER_MS);
        await within("exists after expiry", async () => expect(await store.exists(forExists!)).toBe(false));
        await within("expiresIn after expiry", async () => expect(await store.expiresIn(forExpiresIn!)).toBeNull());
        await within("get after expiry", async () => expect(await store.get(forGet!)).toBeNull());
        await within("get with renewFor after expiry", async () => expect(await store.get(forRenew!, { renewFor: "1h" })).toBeNull());
        for (const key of [forExists, forExpiresIn, forGet, forRenew]) {
          await within("every read path after expiry, afterwards", async () => {
            expect(await store.exists(key!)).toBe(false);
            expect(await store.get(key!)).toBeNull();
            expect(await store.expiresIn(key!)).toBeNull();
          });
        }
        expectBytes(await store.get(persistent!), utf8("persistent"), "an entry without expiry");
        expectBytes(await store.get(lasting!), utf8("lasting"), "an entry with a long expiry");
      },
    },
    {
      name: "set without expiresIn clears the expiry of the value it overwrites",
      async run(store) {
        // Old expiries of an hour show up at once in expiresIn; the short one must not take the
        // new value with it when it passes.
        const keys = [randomKey(), randomKey(), randomKey(), randomKey(), randomKey()];
        const [plain, emptyOptions, undefinedOption, afterDelete, short] = keys as [string, string, string, string, string];
        for (const key of keys) await store.set(key, utf8("old"), { expiresIn: key === short ? `${SHORT_TTL_MS}ms` : "1h" });
        await store.set(plain, utf8("new"));
        await store.set(emptyOptions, utf8("new"), {});
        await store.set(undefinedOption, utf8("new"), { expiresIn: undefined });
        await store.delete(afterDelete);
        await store.set(afterDelete, utf8("new"));
        await store.set(short, utf8("new"));
        const labels = new Map([[plain, "set(key, value)"], [emptyOptions, "set(key, value, {})"], [undefinedOption, "set(key, value, { expiresIn: undefined })"], [afterDelete, "set after delete"], [short, "set over a short expiry"]]);
        for (const key of keys) await within(labels.get(key)!, async () => expect(await store.expiresIn(key)).toBeNull());
        await sleep(EXPIRED_AFTER_MS);
        await within("set over a short expiry, after that expiry passed", async () => {
          expectBytes(await store.get(short), utf8("new"), "get");
          expect(await store.exists(short)).toBe(true);
          expect(await store.expiresIn(short)).toBeNull();
        });
      },
    },
    {
      name: "set with expiresIn replaces value and expiry together",
      async run(store) {
        const [persistentThenShort, shortThenLong, longThenShorter] = [randomKey(), randomKey(), randomKey()];
        const started = performance.now();
        await store.set(persistentThenShort, utf8("old"));
        await store.set(persistentThenShort, utf8("new"), { expiresIn: `${SHORT_TTL_MS}ms` });
        await store.set(shortThenLong, utf8("old"), { expiresIn: `${SHORT_TTL_MS}ms` });
        await store.set(shortThenLong, utf8("new"), { expiresIn: "1h" });
        await store.set(longThenShorter, utf8("old"), { expiresIn: "1h" });
        await store.set(longThenShorter, utf8("new"), { expiresIn: "30s" });
        expectSecondsLeft(await store.expiresIn(longThenShorter), 30, performance.now() - started, "a long expiry replaced by 30 s");
        expectBytes(await store.get(longThenShorter), utf8("new"), "the value set with the shorter expiry");
        await sleep(EXPIRED_AFTER_MS);
        await within("a value without expiry overwritten with a short one, after it expired", async () => {
          expect(await store.exists(persistentThenShort)).toBe(false);
          expect(await store.get(persistentThenShort)).toBeNull();
        });
        await within("a short expiry replaced by 1 h, after the short one passed", async () => {
          expectBytes(await store.get(shortThenLong), utf8("new"), "get");
          expectSecondsLeft(await store.expiresIn(shortThenLong), 3_600, performance.now() - started, "expiresIn");
        });
      },
    },
  ];
}
