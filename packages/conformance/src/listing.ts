import type { CaseDefinition, ResolvedCapabilities } from "./case-definition.js";
import { within } from "./assertions.js";
import { EXPIRED_AFTER_MS, SHORT_TTL_MS, randomKey, randomName, show, sleep } from "./fixtures.js";
import { collectKeys, expectKeys, setAll } from "./key-listing.js";
import { AWKWARD_KEYS } from "./keys.js";
import { viewAt } from "./namespace-locations.js";

/** More keys than a backend's batch (memory 1,000, SCAN's COUNT, a directory read), so listing spans batches. */
const MANY_KEYS = 2_500;

/** `keys()`: exactly this namespace's live keys. The iteration cases are in listing-iteration.ts. */
export function listingCases(capabilities: ResolvedCapabilities): CaseDefinition[] {
  const mayRepeat = capabilities.keysMayRepeat;
  return [
    {
      name: "keys() of an empty store yields nothing, also after deleteAll",
      async run(store) {
        expectKeys(await collectKeys(store), [], "a fresh store", mayRepeat);
        await setAll(store, ["a", "b", "c"]);
        await store.deleteAll();
        expectKeys(await collectKeys(store), [], "after deleteAll", mayRepeat);
      },
    },
    {
      name: "keys() yields exactly the keys as set, awkward characters, emoji and a 64 KiB key included",
      async run(store) {
        const long = "€".repeat(21_845) + "x";
        const keys = [...AWKWARD_KEYS, long, randomKey()];
        await setAll(store, keys);
        // Overwritten, emptied and given an expiry: still one key each.
        await store.set(keys[0]!, "again");
        await store.set(keys[1]!, "", { expiresIn: "1h" });
        const deleted = [randomKey("deleted"), randomKey("deleted")];
        await setAll(store, deleted);
        for (const key of deleted) await store.delete(key);
        expectKeys(await collectKeys(store), keys, "the keys set", mayRepeat);
      },
    },
    {
      name: "keys() never yields an expired entry",
      async run(store) {
        const [short, lasting, persistent] = [randomKey("short"), randomKey("lasting"), randomKey("persistent")];
        await store.set(short, "x", { expiresIn: `${SHORT_TTL_MS}ms` });
        await store.set(lasting, "x", { expiresIn: "1h" });
        await store.set(persistent, "x");
        await store.increment(randomKey("counter"), { expiresIn: `${SHORT_TTL_MS}ms` });
        await store.setIfAbsent(randomKey("claimed"), "x", { expiresIn: `${SHORT_TTL_MS}ms` });
        await sleep(EXPIRED_AFTER_MS);
        expectKeys(await collectKeys(store), [lasting, persistent], "after the short expiries passed", mayRepeat);
      },
    },
    {
      name: "keys() yields only its namespace's keys: never the parent's, children's, siblings' or prefix siblings'",
      needsNamespaces: true,
      async run(root) {
        const cache = randomName("cache");
        const names = [cache, `${cache}2`, cache.slice(0, -1), `${cache}:x`, `${cache}/x`, `${cache}_x`, `${cache} `, "*", "?", "[ab]", "[", "a", "ab", "a*", "\\", `${cache}*`, `${cache}\u0000`, "😀", "..", "/"];
        const paths: string[][] = [[]];
        for (const name of names) paths.push([name], [name, "child"], [name, "child", "grandchild"]);
        // Each namespace gets keys shared by all (`k`, `*`, `child`), and one of its own.
        const keysAt = (index: number) => ["k", "*", "child", "child:k", "../k", "😀\n", `own-${index}`];
        for (const [index, path] of paths.entries()) await setAll(viewAt(root, path), keysAt(index));
        for (const [index, path] of paths.entries()) {
          await within(`the namespace [${path.map(show).join(", ")}]`, async () => {
            expectKeys(await collectKeys(viewAt(root, path)), keysAt(index), "keys()", mayRepeat);
          });
        }
      },
    },
    {
      name: `keys() yields all of ${MANY_KEYS.toLocaleString("en-US")} keys, more than one batch`,
      async run(store) {
        const keys = Array.from({ length: MANY_KEYS }, (_, index) => `many-${index}`);
        await setAll(store, keys);
        expectKeys(await collectKeys(store), keys, `${MANY_KEYS} keys`, mayRepeat);
      },
    },
  ];
}
