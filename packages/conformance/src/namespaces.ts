import { InvalidArgumentError } from "@stowage/core";
import type { CaseDefinition } from "./case-definition.js";
import { expectBytes, expectThrow, within } from "./assertions.js";
import { EXPIRED_AFTER_MS, SHORT_TTL_MS, randomKey, randomName, show, sleep, utf8 } from "./fixtures.js";
import { collisionCandidates, expectLocations, isUnder, viewAt, writeLocations } from "./namespace-locations.js";
import { expect } from "./expect.js";

/** Namespaces: isolation, an injective mapping to storage, and deleteAll that stays in its subtree. */
export function namespaceCases(): CaseDefinition[] {
  return [
    {
      name: "namespace is [] on the root and the path of names on a view",
      needsNamespaces: true,
      async run(root) {
        const [first, second] = [`${randomName()}:/|`, "b"];
        expect([...root.namespace]).toEqual([]);
        const child = root.withNamespace(first);
        expect([...child.namespace]).toEqual([first]);
        expect([...child.withNamespace(second).namespace]).toEqual([first, second]);
        expect([...root.namespace]).toEqual([]);
        expect([...child.namespace]).toEqual([first]);
      },
    },
    {
      name: "the same key in a parent, a child, a grandchild and a sibling is four entries, isolated both ways",
      needsNamespaces: true,
      async run(root) {
        const [name, siblingName] = [randomName(), randomName()];
        const stores = { root, child: root.withNamespace(name), sibling: root.withNamespace(siblingName) };
        const all = { ...stores, grandchild: stores.child.withNamespace(name) };
        const key = randomKey();
        for (const [label, store] of Object.entries(all)) await store.set(key, utf8(label));
        for (const [label, store] of Object.entries(all)) {
          await within(`the ${label}`, async () => expectBytes(await store.get(key), utf8(label), "its own value"));
        }
        await all.child.delete(key);
        expect(await all.child.exists(key)).toBe(false);
        for (const label of ["root", "sibling", "grandchild"] as const) {
          await within(`the ${label} after deleting the key in the child`, async () => expectBytes(await all[label].get(key), utf8(label), "get"));
        }
        const onlyInChild = randomKey("child-only");
        await all.child.set(onlyInChild, utf8("x"), { expiresIn: "1h" });
        for (const label of ["root", "sibling", "grandchild"] as const) {
          await within(`the ${label}, for a key set only in the child`, async () => {
            expect(await all[label].exists(onlyInChild)).toBe(false);
            expect(await all[label].get(onlyInChild)).toBeNull();
            expect(await all[label].expiresIn(onlyInChild)).toBeNull();
          });
        }
      },
    },
    {
      name: "two views of one namespace share its entries",
      needsNamespaces: true,
      async run(root) {
        const [name, key] = [randomName(), randomKey()];
        await root.withNamespace(name).set(key, utf8("shared"));
        expectBytes(await root.withNamespace(name).get(key), utf8("shared"), "the same namespace through a second view");
        await root.withNamespace(name).withNamespace("inner").set(key, utf8("inner"));
        const inner = root.withNamespace(name).withNamespace("inner");
        expectBytes(await inner.get(key), utf8("inner"), "a nested namespace through a second view");
      },
    },
    {
      name: "namespace names and keys holding separator characters never collide, nor do their deleteAlls",
      needsNamespaces: true,
      async run(root) {
        const a = randomName("a");
        const locations = collisionCandidates(a);
        const run = randomKey("run");
        await writeLocations(root, locations, run);
        await expectLocations(root, locations, run);
        await viewAt(root, [a, "b"]).deleteAll();
        await expectLocations(root, locations, run, (location) => isUnder(location.path, [a, "b"]), ` after deleteAll on [${show(a)}, "b"]`);
        await viewAt(root, [a]).deleteAll();
        await expectLocations(root, locations, run, (location) => isUnder(location.path, [a]), ` after deleteAll on [${show(a)}]`);
      },
    },
    {
      name: "a namespace view supports every operation, expiry included",
      needsNamespaces: true,
      async run(root) {
        const view = root.withNamespace(randomName()).withNamespace("inner");
        const [kept, short, renewed] = [randomKey(), randomKey(), randomKey()];
        await view.set(kept, utf8("kept"));
        await view.set(short, utf8("short"), { expiresIn: `${SHORT_TTL_MS}ms` });
        await view.set(renewed, utf8("renewed"), { expiresIn: "1m" });
        expectBytes(await view.get(renewed, { renewFor: "1h" }), utf8("renewed"), "get with renewFor");
        expect(await view.expiresIn(renewed)).toBeGreaterThan(60);
        await sleep(EXPIRED_AFTER_MS);
        expect(await view.exists(short)).toBe(false);
        expect(await view.get(short)).toBeNull();
        expectBytes(await view.get(renewed), utf8("renewed"), "a renewed entry");
        expect(await view.exists(kept)).toBe(true);
        await view.delete(kept);
        expect(await view.exists(kept)).toBe(false);
        await view.deleteAll();
        expect(await view.exists(renewed)).toBe(false);
      },
    },
    {
      name: "withNamespace rejects invalid names with InvalidArgumentError and accepts 1 KiB ones",
      needsNamespaces: true,
      async run(root) {
        const child = root.withNamespace(randomName());
        const invalid: ReadonlyArray<[string, unknown]> = [
          ["the empty string", ""], ["a lone high surrogate", "\ud800"], ["a lone low surrogate", "a\udc00"],
          ["1,025 ASCII characters", "n".repeat(1_025)], ['342 × "€" (1,026 bytes)', "€".repeat(342)],
          ["a number", 1], ["null", null], ["undefined", undefined], ["an object", {}], ["an array", ["a"]],
        ];
        for (const [label, name] of invalid) {
          expectThrow(() => root.withNamespace(name as string), InvalidArgumentError, `withNamespace(${label}) on the root`);
          expectThrow(() => child.withNamespace(name as string), InvalidArgumentError, `withNamespace(${label}) on a view`);
        }
        for (const name of ["n".repeat(1_024), "€".repeat(341) + "x"]) {
          const key = randomKey();
          const view = child.withNamespace(name);
          await view.set(key, utf8("1 KiB name"));
          expectBytes(await view.get(key), utf8("1 KiB name"), `a namespace named with ${name.length} characters`);
          expect(await child.exists(key)).toBe(false);
        }
      },
    },
  ];
}
