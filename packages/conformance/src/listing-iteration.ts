import { StoreClosedError, type NamespacedStore } from "@stowage/core";
import type { CaseDefinition, ResolvedCapabilities } from "./case-definition.js";
import { expectRejection, fail, within } from "./assertions.js";
import { expect } from "./expect.js";
import { randomName, show } from "./fixtures.js";
import { collectKeys, expectKeys, setAll } from "./key-listing.js";

/**
 * `keys()` as an iteration: robust to writes during it, several at once, ended by `break`, and
 * closed with the store. Part of the `listing` group.
 */
export function listingIterationCases(capabilities: ResolvedCapabilities): CaseDefinition[] {
  const mayRepeat = capabilities.keysMayRepeat;
  return [
    {
      name: `a key live for the whole iteration is yielded while others are set, deleted and set again during it${mayRepeat ? "" : ", and none twice"}`,
      async run(store) {
        // Stable keys interleaved with churned ones, so that deleting a churned key just yielded
        // shifts whatever comes after it in a store's own order.
        const order = Array.from({ length: 1_200 }, (_, index) => (index % 6 === 5 ? `churn-${index}` : `stable-${index}`));
        const stable = order.filter((key) => key.startsWith("stable-"));
        await setAll(store, order);
        const live = new Set(order);
        const everSet = new Set(order);
        const yielded: string[] = [];
        const deletedChurn: string[] = [];
        for await (const key of store.keys()) {
          yielded.push(key);
          // Every 12th step: a hundred rounds shift a store's order many times over, and their
          // 400 writes (in parallel within a round) stay quick for a durable file store under load.
          if (yielded.length % 12 !== 0) continue;
          // A cleaner deleting what it just listed, a writer re-creating an older key, a new key,
          // and an overwrite of a stable key (which stays live throughout).
          const writes: Array<Promise<void>> = [];
          const churn = yielded.findLast((candidate) => candidate.startsWith("churn-") && live.has(candidate));
          if (churn !== undefined) {
            writes.push(store.delete(churn));
            live.delete(churn);
            deletedChurn.push(churn);
          }
          if (deletedChurn.length > 2) {
            const again = deletedChurn.shift()!;
            writes.push(store.set(again, "again"));
            live.add(again);
          }
          const added = `added-${yielded.length}`;
          writes.push(store.set(added, "new"), store.set(stable[(yielded.length * 7) % stable.length]!, "overwritten"));
          live.add(added);
          everSet.add(added);
          await Promise.all(writes);
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
