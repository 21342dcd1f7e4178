import type { CaseDefinition } from "./case-definition.js";
import { expectBytes, expectSecondsLeft, fail, within } from "./assertions.js";
import { EXPIRED_AFTER_MS, SHORT_TTL_MS, randomKey, show, sleep, utf8 } from "./fixtures.js";
import { expect } from "./expect.js";

/** `get(key, { renewFor })`: moves an existing expiry, never creates one, never resurrects. */
export function renewCases(): CaseDefinition[] {
  return [
    {
      name: "renewFor on an expiring key returns the value and moves its expiry to now + renewFor",
      async run(store) {
        // Longer and shorter than the expiry it replaces. (No short TTL here: under load the
        // renewal could arrive after it, and that would test the clock, not the store.)
        for (const [expiresIn, renewFor, seconds] of [["1m", "1h", 3_600], ["1h", "30s", 30]] as const) {
          const key = randomKey();
          await store.set(key, utf8("renewed"), { expiresIn });
          const started = performance.now();
          expectBytes(await store.get(key, { renewFor }), utf8("renewed"), `get with renewFor ${renewFor}`);
          expectSecondsLeft(await store.expiresIn(key), seconds, performance.now() - started, `expiresIn after renewing for ${renewFor}`);
          expectBytes(await store.get(key), utf8("renewed"), "get after the renewal");
        }
      },
    },
    {
      name: "renewing for 250 ms works, and may shorten the expiry",
      async run(store) {
        // Right after the renewal the entry must still be there, with at most 250 ms left (a
        // store that renews in whole seconds ends it at once: EXPIRE key 0 deletes the key). Only
        // when the reads themselves finished 250 ms after the renewal began (a loaded machine) is
        // a missing entry no evidence; such an attempt is repeated with a new key.
        let key = "";
        for (let attempt = 1; ; attempt++) {
          key = randomKey();
          await store.set(key, utf8("shortened"), { expiresIn: "1h" });
          const started = performance.now();
          expectBytes(await store.get(key, { renewFor: "250ms" }), utf8("shortened"), "get with renewFor 250ms");
          const [value, left] = await Promise.all([store.get(key), store.expiresIn(key)]);
          const elapsed = performance.now() - started;
          // 5 ms for a server clock and ours counting whole milliseconds apart.
          if (elapsed < 245) {
            expectBytes(value, utf8("shortened"), "get right after renewing for 250 ms, before those 250 ms passed");
            if (!(typeof left === "number" && left > 0 && left <= 0.25)) {
              fail(`expiresIn right after renewing for 250 ms returned ${show(left)} (${elapsed.toFixed(1)} ms later); expected a number in (0, 0.25]`);
            }
            break;
          }
          if (attempt === 5) fail(`five attempts each took 250 ms or more to renew and read back (the last ${elapsed.toFixed(0)} ms): too slow to check`);
        }
        await sleep(250 + EXPIRED_AFTER_MS - SHORT_TTL_MS);
        await within("after the 250 ms renewal passed", async () => {
          expect(await store.exists(key)).toBe(false);
          expect(await store.get(key)).toBeNull();
        });
      },
    },
    {
      name: "renewing for 7 days and for a day (as seconds) works",
      async run(store) {
        for (const [renewFor, seconds] of [["7d", 604_800], [86_400, 86_400]] as const) {
          const key = randomKey();
          await store.set(key, utf8("long"), { expiresIn: "1m" });
          const started = performance.now();
          expectBytes(await store.get(key, { renewFor }), utf8("long"), `get with renewFor ${renewFor}`);
          expectSecondsLeft(await store.expiresIn(key), seconds, performance.now() - started, `expiresIn after renewing for ${renewFor}`);
        }
      },
    },
    {
      name: "renewFor on a key without expiry returns the value and gives it no expiry",
      async run(store) {
        const key = randomKey();
        await store.set(key, utf8("persistent"));
        expectBytes(await store.get(key, { renewFor: `${SHORT_TTL_MS}ms` }), utf8("persistent"), "get with renewFor");
        expect(await store.expiresIn(key)).toBeNull();
        await sleep(EXPIRED_AFTER_MS);
        expectBytes(await store.get(key), utf8("persistent"), "get after the renewal would have expired it");
        expect(await store.expiresIn(key)).toBeNull();
      },
    },
    {
      name: "renewing a missing key returns null and creates nothing",
      async run(store) {
        const key = randomKey();
        expect(await store.get(key, { renewFor: "1h" })).toBeNull();
        expect(await store.exists(key)).toBe(false);
        expect(await store.expiresIn(key)).toBeNull();
        expect(await store.get(key)).toBeNull();
      },
    },
    {
      name: "renewing an expired key returns null and does not resurrect it",
      async run(store) {
        const key = randomKey();
        await store.set(key, utf8("expired"), { expiresIn: `${SHORT_TTL_MS}ms` });
        await sleep(EXPIRED_AFTER_MS);
        expect(await store.get(key, { renewFor: "1h" })).toBeNull();
        expect(await store.exists(key)).toBe(false);
        expect(await store.expiresIn(key)).toBeNull();
        expect(await store.get(key)).toBeNull();
      },
    },
    {
      name: "renewing a deleted key returns null and does not resurrect it",
      async run(store) {
        const key = randomKey();
        await store.set(key, utf8("deleted"), { expiresIn: "1h" });
        await store.delete(key);
        expect(await store.get(key, { renewFor: "1h" })).toBeNull();
        expect(await store.exists(key)).toBe(false);
        expect(await store.get(key)).toBeNull();
      },
    },
  ];
}
