import { StoreClosedError, type NamespacedStore, type Store } from "@stowage/core";
import type { CaseDefinition, ResolvedCapabilities } from "./case-definition.js";
import { expectRejection, fail, within } from "./assertions.js";
import { EXPIRED_AFTER_MS, SHORT_TTL_MS, randomKey, randomName, show, sleep } from "./fixtures.js";
import { AWKWARD_KEYS } from "./keys.js";
import { viewAt } from "./namespace-locations.js";
import { expect } from "./expect.js";

/** More keys than a backend's batch (memory 1,000, SCAN's COUNT, a directory read), so listing spans batches. */
const MANY_KEYS = 2_500;

/** Every key `store.keys()` yields, in order, repeats included. */
export async function collectKeys(store: Store): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.keys()) keys.push(key);
  return keys;
}

/**
 * Checks that `actual` (what keys() yielded) holds each of `expected`, nothing else (but the
 * `optional` keys, which may or may not be there), and, unless the store declares
 * `keysMayRepeat`, each once.
 */
export function expectKeys(
  actual: readonly unknown[],
  expected: Iterable<string>,
  what: string,
  mayRepeat: boolean,
  optional: ReadonlySet<string> = new Set(),
): void {
  const wanted = new Set(expected);
  const counts = new Map<unknown, number>();
  for (const key of actual) counts.set(key, (counts.get(key) ?? 0) + 1);
  const missing = [...wanted].filter((key) => !counts.has(key));
  const extra = [...counts.keys()].filter((key) => typeof key !== "string" || !(wanted.has(key) || optional.has(key)));
  const repeated = mayRepeat ? [] : [...counts].filter(([, count]) => count > 1).map(([key]) => key);
  if (missing.length + extra.length + repeated.length === 0) return;
  const list = (keys: readonly unknown[]) => `${keys.slice(0, 5).map(show).join(", ")}${keys.length > 5 ? `, … (${keys.length})` : ""}`;
  fail(
    `${what}: keys() yielded ${actual.length} keys where ${wanted.size} were expected` +
      (missing.length ? `; missing ${list(missing)}` : "") +
      (extra.length ? `; not this namespace's live keys: ${list(extra)}` : "") +
      (repeated.length ? `; yielded more than once: ${list(repeated)}` : ""),
  );
}

/** Sets each key (value: the key) in parallel chunks, in order within a chunk. */
async function setAll(store: Store, keys: readonly string[], chunk = 100): Promise<void> {
  for (let start = 0; start < keys.length; start += chunk) {
    await Promise.all(keys.slice(start, start + chunk).map((key) => store.set(key, key)));
  }
}

/** `keys()`: this namespace's live keys exactly, in batches, robust to writes during it, closed with the store. */
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
        const names = [cache, `${cache}2`, cache.slice(0, -1), `${cache}:x`, `${cache}/x`, `${cache}_x`, `${cache} `, "*", "?", "[ab]", "[", "a", "ab", "a*", "\\", `${cache}*`];
        const paths: string[][] = [[]];
        for (const name of names) paths.push([name], [name, "child"], [name, "child", "grandchild"]);
        // Each namespace gets keys shared by all (`k`, `*`, `child`), and one of its own.
        const keysAt = (index: number) => ["k", "*", "child", "child:k", `own-${index}`];
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
    {
      name: `a key live for the whole iteration is yielded while others are set, deleted and set again during it${mayRepeat ? "" : ", and none twice"}`,
      async run(store) {
        // Stable keys interleaved with churned ones, so that deleting a churned key just yielded
        // shifts whatever comes after it in a store's own order.
        const order = Array.from({ length: 1_800 }, (_, index) => (index % 6 === 5 ? `churn-${index}` : `stable-${index}`));
        const stable = order.filter((key) => key.startsWith("stable-"));
        await setAll(store, order);
        const live = new Set(order);
        const everSet = new Set(order);
        const yielded: string[] = [];
        const deletedChurn: string[] = [];
        for await (const key of store.keys()) {
          yielded.push(key);
          if (yielded.length % 3 !== 0) continue;
          // A cleaner deleting what it just listed, a writer re-creating an older key, a new key,
          // and an overwrite of a stable key (which stays live throughout).
          const churn = [...yielded].reverse().find((candidate) => candidate.startsWith("churn-") && live.has(candidate));
          if (churn !== undefined) {
            await store.delete(churn);
            live.delete(churn);
            deletedChurn.push(churn);
          }
          if (deletedChurn.length > 2) {
            const again = deletedChurn.shift()!;
            await store.set(again, "again");
            live.add(again);
          }
          const added = `added-${yielded.length}`;
          await store.set(added, "new");
          live.add(added);
          everSet.add(added);
          await store.set(stable[(yielded.length * 7) % stable.length]!, "overwritten");
        }
        // The stable keys are owed; churned and added ones may or may not show up.
        expectKeys(yielded, stable, "during the writes (missing: keys live for the whole iteration)", mayRepeat, everSet);
        await within("keys() again, after the writes", async () => expectKeys(await collectKeys(store), live, "keys()", mayRepeat));
      },
    },
    {
      name: "two iterations at once each yield every key",
      async run(store) {
        const keys = Array.from({ length: 1_200 }, (_, index) => `pair-${index}`);
        await setAll(store, keys);
        const [first, second] = [store.keys(), store.keys()];
        const [fromFirst, fromSecond]: [string[], string[]] = [[], []];
        for (;;) {
          const [a, b] = await Promise.all([first.next(), second.next()]);
          if (!a.done) fromFirst.push(a.value);
          if (!b.done) fromSecond.push(b.value);
          if (a.done && b.done) break;
        }
        expectKeys(fromFirst, keys, "the first iteration", mayRepeat);
        expectKeys(fromSecond, keys, "the second iteration", mayRepeat);
      },
    },
    {
      name: "breaking out of for await ends the iteration, and the store keeps working",
      async run(store) {
        const keys = Array.from({ length: 1_200 }, (_, index) => `break-${index}`);
        await setAll(store, keys);
        const iterator = store.keys();
        let seen = 0;
        for await (const key of iterator) {
          expect(typeof key).toBe("string");
          if (++seen === 3) break;
        }
        const after = await iterator.next();
        if (after.done !== true) fail(`after breaking out of for await, the iterator's next step gave ${show(after.value)} instead of done: it was never released`);
        await store.delete(keys[0]!);
        await store.set("after-break", "x");
        expectKeys(await collectKeys(store), [...keys.slice(1), "after-break"], "a new iteration after the break", mayRepeat);
      },
    },
    {
      name: "an iterator's next step after close rejects with StoreClosedError",
      async run(store) {
        await setAll(store, ["a", "b", "c", "d"]);
        const started = store.keys();
        const first = await started.next();
        expect(first.done).toBe(false);
        await store.close();
        await expectRejection(() => started.next(), StoreClosedError, "the next step of an iteration started before close");
        await expectRejection(() => store.keys().next(), StoreClosedError, "the first step of an iteration made after close");
      },
    },
    {
      name: "a view's iterator rejects with StoreClosedError once the view or its root is closed",
      needsNamespaces: true,
      async run(root) {
        const views: NamespacedStore[] = [root.withNamespace(randomName()), root.withNamespace(randomName())];
        for (const view of views) await setAll(view, ["a", "b", "c"]);
        const iterators = views.map((view) => view.keys());
        for (const iterator of iterators) expect((await iterator.next()).done).toBe(false);
        await views[0]!.close();
        await expectRejection(() => iterators[0]!.next(), StoreClosedError, "the iterator of a closed view");
        expect((await iterators[1]!.next()).done).toBe(false);
        await root.close();
        await expectRejection(() => iterators[1]!.next(), StoreClosedError, "the iterator of a view whose root was closed");
      },
    },
  ];
}
