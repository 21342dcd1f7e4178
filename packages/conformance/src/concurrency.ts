import type { CaseDefinition } from "./case-definition.js";
import { expectBytes, fail, within } from "./assertions.js";
import { patternBytes, randomKey, seedOf, utf8 } from "./fixtures.js";
import { expect } from "./expect.js";

/** How many writers race; enough to interleave on any backend, few enough to stay fast. */
const WRITERS = 200;
/** Large enough that a backend writing in chunks or streams can be caught half-way. */
const VALUE_BYTES = 64 * 1_024;

/** Checks that `value` is one of the `patternBytes(VALUE_BYTES, seed)` values written, whole. */
function expectWholeWrite(value: Uint8Array | null, seeds: ReadonlySet<number>, what: string): void {
  if (value === null) fail(`${what}: got null, expected one of the written values`);
  if (value.length < 4 || !seeds.has(seedOf(value))) fail(`${what}: got a value that no writer wrote (${value.length} bytes)`);
  expectBytes(value, patternBytes(VALUE_BYTES, seedOf(value)), `${what} (the value of writer ${seedOf(value)})`);
}

/** Many callers at once: no lost, torn or resurrected writes. */
export function concurrencyCases(): CaseDefinition[] {
  return [
    {
      name: `${WRITERS} concurrent sets of one key leave exactly one of the values, whole`,
      async run(store) {
        const key = randomKey();
        const seeds = new Set(Array.from({ length: WRITERS }, (_, index) => index + 1));
        await Promise.all([...seeds].map((seed) => store.set(key, patternBytes(VALUE_BYTES, seed))));
        expectWholeWrite(await store.get(key), seeds, "get after the race");
      },
    },
    {
      name: `${WRITERS} concurrent sets of different keys all land`,
      async run(store) {
        const keys = Array.from({ length: WRITERS }, () => randomKey());
        await Promise.all(keys.map((key, index) => store.set(key, utf8(`${key}=${index}`), index % 2 ? { expiresIn: "1h" } : undefined)));
        const values = await Promise.all(keys.map((key) => store.get(key)));
        for (const [index, key] of keys.entries()) expectBytes(values[index], utf8(`${key}=${index}`), `key ${index}`);
      },
    },
    {
      name: "a concurrent mix of get, set, delete and exists never yields a partial value",
      async run(store) {
        const keys = [randomKey(), randomKey(), randomKey()];
        const seeds = new Set<number>();
        const reads: Array<Promise<[string, Uint8Array | null]>> = [];
        const others: Array<Promise<unknown>> = [];
        for (let step = 0; step < WRITERS * 2; step++) {
          const key = keys[step % keys.length]!;
          switch (step % 5) {
            case 0:
            case 1:
              seeds.add(step + 1);
              others.push(store.set(key, patternBytes(VALUE_BYTES, step + 1)));
              break;
            case 2:
              others.push(store.delete(key));
              break;
            case 3:
              others.push(store.exists(key).then((exists) => expect(typeof exists).toBe("boolean")));
              break;
            default:
              reads.push(store.get(key).then((value) => [`get #${step}`, value]));
          }
        }
        await Promise.all(others);
        for (const [what, value] of await Promise.all(reads)) if (value !== null) expectWholeWrite(value, seeds, what);
        for (const key of keys) {
          const value = await store.get(key);
          if (value !== null) expectWholeWrite(value, seeds, "get after the mix");
        }
      },
    },
    {
      name: "a renewal racing a set never brings back the old value or its expiry",
      async run(store) {
        for (let round = 0; round < 50; round++) {
          const key = randomKey();
          await store.set(key, utf8("old"), { expiresIn: "1h" });
          // Whatever the order, the renewal changes no value, and once the set (without
          // expiresIn) lands the entry has no expiry left for a renewal to move.
          await Promise.all([store.get(key, { renewFor: "2h" }), store.set(key, utf8("new")), store.get(key, { renewFor: "3h" })]);
          await within(`round ${round}`, async () => {
            expectBytes(await store.get(key), utf8("new"), "get after the race");
            expect(await store.expiresIn(key)).toBeNull();
          });
        }
      },
    },
    {
      name: "a renewal racing a delete never resurrects the entry",
      async run(store) {
        for (let round = 0; round < 50; round++) {
          const key = randomKey();
          await store.set(key, utf8("doomed"), { expiresIn: "1h" });
          await Promise.all([store.get(key, { renewFor: "2h" }), store.delete(key), store.get(key, { renewFor: "3h" })]);
          await within(`round ${round}`, async () => {
            expect(await store.exists(key)).toBe(false);
            expect(await store.get(key)).toBeNull();
          });
        }
      },
    },
  ];
}
