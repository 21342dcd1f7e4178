import { InvalidArgumentError, InvalidKeyError, StoreClosedError, StowageError, type Store } from "@stowage/core";
import type { CaseDefinition } from "./case-definition.js";
import { expectBytes, expectRejection, expectThrow, within } from "./assertions.js";
import { randomKey, randomName, utf8 } from "./fixtures.js";
import { expect } from "./expect.js";

/** Every operation of the contract, each as a call on `store`. */
function operations(store: Store): ReadonlyArray<[string, () => Promise<unknown>]> {
  const key = randomKey();
  return [
    ["get", () => store.get(key)],
    ["get with renewFor", () => store.get(key, { renewFor: "1h" })],
    ["set", () => store.set(key, utf8("x"))],
    ["set with expiresIn", () => store.set(key, utf8("x"), { expiresIn: "1h" })],
    ["delete", () => store.delete(key)],
    ["deleteAll", () => store.deleteAll()],
    ["exists", () => store.exists(key)],
    ["expiresIn", () => store.expiresIn(key)],
    ["increment", () => store.increment(key)],
    ["increment with by and expiresIn", () => store.increment(key, { by: 2, expiresIn: "1h" })],
    ["setIfAbsent", () => store.setIfAbsent(key, utf8("x"))],
    ["setIfAbsent with expiresIn", () => store.setIfAbsent(key, utf8("x"), { expiresIn: "1h" })],
    ["the first step of keys()", () => store.keys().next()],
  ];
}

async function expectClosed(store: Store, label: string): Promise<void> {
  for (const [operation, call] of operations(store)) {
    await expectRejection(call, StoreClosedError, `${operation} on ${label}`);
  }
}

/** close(), `await using`, the closed state of views, and the error classes. */
export function lifecycleCases(): CaseDefinition[] {
  return [
    {
      name: "close is idempotent, called in turn or at once",
      async run(store) {
        expect(await store.close()).toBeUndefined();
        await store.close();
        await Promise.all([store.close(), store.close(), store[Symbol.asyncDispose]()]);
      },
    },
    {
      name: "every operation rejects with StoreClosedError after close",
      async run(store) {
        await store.set(randomKey(), utf8("before close"));
        await store.close();
        await expectClosed(store, "a closed store");
      },
    },
    {
      name: "withNamespace throws StoreClosedError after close",
      needsNamespaces: true,
      async run(store) {
        await store.close();
        expectThrow(() => store.withNamespace(randomName()), StoreClosedError, "withNamespace on a closed store");
      },
    },
    {
      name: "await using closes the store at the end of the block",
      async run(store) {
        const key = randomKey();
        {
          await using scoped = store;
          await scoped.set(key, utf8("scoped"));
          expectBytes(await scoped.get(key), utf8("scoped"), "get inside the block");
        }
        await expectClosed(store, "a store after its `await using` block");
      },
    },
    {
      name: "closing a view closes that view only: the root and its siblings stay usable",
      needsNamespaces: true,
      async run(root) {
        const [name, siblingName, key] = [randomName(), randomName(), randomKey()];
        const view = root.withNamespace(name);
        const grandchild = view.withNamespace("inner");
        const sibling = root.withNamespace(siblingName);
        await view.set(key, utf8("view"));
        await view.close();
        await view.close();
        await expectClosed(view, "a closed view");
        for (const [label, store] of [["the root", root], ["a sibling", sibling], ["the view's grandchild made before", grandchild]] as const) {
          await within(`${label} after closing a view`, async () => {
            await store.set(key, utf8(label));
            expectBytes(await store.get(key), utf8(label), "get");
          });
        }
        await within("a new view of the closed view's namespace", async () => {
          expectBytes(await root.withNamespace(name).get(key), utf8("view"), "the entry written before the close");
        });
      },
    },
    {
      name: "closing the root closes every view made from it",
      needsNamespaces: true,
      async run(root) {
        const view = root.withNamespace(randomName());
        const grandchild = view.withNamespace("inner");
        await root.close();
        await expectClosed(view, "a view of a closed root");
        await expectClosed(grandchild, "a grandchild of a closed root");
        await view.close();
      },
    },
    {
      name: "the store's errors are StowageErrors with their class's name",
      async run(store) {
        const checks: ReadonlyArray<[typeof InvalidKeyError | typeof InvalidArgumentError | typeof StoreClosedError, () => Promise<unknown>]> = [
          [InvalidKeyError, () => store.get("")],
          [InvalidArgumentError, () => store.set(randomKey(), 42 as unknown as string)],
          [InvalidArgumentError, () => store.set(randomKey(), "x", { expiresIn: 0 })],
          [StoreClosedError, async () => {
            await store.close();
            return store.get(randomKey());
          }],
        ];
        for (const [errorClass, call] of checks) {
          const error = await call().then(
            () => undefined,
            (rejection: unknown) => rejection,
          );
          await within(`the ${errorClass.name}`, () => {
            expect(StowageError.isInstance(error)).toBe(true);
            expect(errorClass.isInstance(error)).toBe(true);
            expect(error).toBeInstanceOf(Error);
            expect((error as Error).name).toBe(errorClass.name);
            expect((error as Error).message.length).toBeGreaterThan(0);
          });
        }
      },
    },
  ];
}
