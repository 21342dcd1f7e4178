import type { CaseDefinition } from "./case-definition.js";
import { expectBytes } from "./assertions.js";
import { randomKey, utf8 } from "./fixtures.js";
import { expect } from "./expect.js";

/** The everyday operations: set, get, overwrite, delete, deleteAll. */
export function basicCases(): CaseDefinition[] {
  return [
    {
      name: "a key never set is missing on every read path",
      async run(store) {
        const key = randomKey();
        expect(await store.get(key)).toBeNull();
        expect(await store.exists(key)).toBe(false);
        expect(await store.expiresIn(key)).toBeNull();
      },
    },
    {
      name: "set resolves to undefined and the value reads back, with no expiry",
      async run(store) {
        const key = randomKey();
        expect(await store.set(key, utf8("hello"))).toBeUndefined();
        expectBytes(await store.get(key), utf8("hello"), "get after set");
        expect(await store.exists(key)).toBe(true);
        expect(await store.expiresIn(key)).toBeNull();
      },
    },
    {
      name: "set overwrites the previous value",
      async run(store) {
        const key = randomKey();
        await store.set(key, utf8("first, and longer"));
        await store.set(key, utf8("second"));
        expectBytes(await store.get(key), utf8("second"), "get after the second set");
      },
    },
    {
      name: "keys are independent of each other",
      async run(store) {
        const [first, second] = [randomKey(), randomKey()];
        await store.set(first, utf8("one"));
        await store.set(second, utf8("two"));
        expectBytes(await store.get(first), utf8("one"), "first key");
        expectBytes(await store.get(second), utf8("two"), "second key");
        await store.delete(first);
        expect(await store.exists(first)).toBe(false);
        expectBytes(await store.get(second), utf8("two"), "second key after deleting the first");
      },
    },
    {
      name: "delete removes the entry from every read path",
      async run(store) {
        const key = randomKey();
        await store.set(key, utf8("doomed"), { expiresIn: "1h" });
        expect(await store.delete(key)).toBeUndefined();
        expect(await store.get(key)).toBeNull();
        expect(await store.exists(key)).toBe(false);
        expect(await store.expiresIn(key)).toBeNull();
      },
    },
    {
      name: "delete of a missing key resolves and changes nothing",
      async run(store) {
        const [missing, kept] = [randomKey("missing"), randomKey("kept")];
        await store.set(kept, utf8("kept"));
        expect(await store.delete(missing)).toBeUndefined();
        await store.delete(missing);
        expect(await store.exists(missing)).toBe(false);
        expectBytes(await store.get(kept), utf8("kept"), "another key");
      },
    },
    {
      name: "a deleted key can be set again",
      async run(store) {
        const key = randomKey();
        await store.set(key, utf8("before"));
        await store.delete(key);
        await store.set(key, utf8("after"));
        expectBytes(await store.get(key), utf8("after"), "get after set, delete, set");
      },
    },
    {
      name: "deleteAll removes every entry and the store stays usable",
      async run(store) {
        const keys = [randomKey(), randomKey(), randomKey()];
        for (const key of keys) await store.set(key, utf8(key), key === keys[0] ? { expiresIn: "1h" } : undefined);
        expect(await store.deleteAll()).toBeUndefined();
        for (const key of keys) expect(await store.exists(key)).toBe(false);
        for (const key of keys) expect(await store.get(key)).toBeNull();
        await store.deleteAll();
        await store.set(keys[0]!, utf8("again"));
        expectBytes(await store.get(keys[0]!), utf8("again"), "get after deleteAll and set");
      },
    },
  ];
}
