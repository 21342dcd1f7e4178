import type { CaseDefinition } from "./case-definition.js";
import { randomKey, randomName, show } from "./fixtures.js";
import { type Location, expectLocations, isUnder, uniqueLocations, viewAt, writeLocations } from "./namespace-locations.js";

/**
 * `deleteAll` on a namespace: its entries and its descendants', never the parent's, a sibling's,
 * a prefix sibling's, or what a glob in its name would match. Part of the `namespaces` group.
 */
export function namespaceDeleteAllCases(): CaseDefinition[] {
  return [
    {
      name: "deleteAll reaches three levels down, never up or sideways",
      needsNamespaces: true,
      async run(root) {
        const base = randomName("level");
        const locations: Location[] = [];
        for (const path of [[], [base], [`${base}-sibling`], [base, "l2"], [base, "l2-sibling"], [base, "l2", "l3"], [base, "l2", "l3-sibling"]]) {
          locations.push({ path, key: "k" }, { path: [...path, "l4"], key: "k" });
        }
        const all = uniqueLocations(locations);
        const run = randomKey("run");
        await writeLocations(root, all, run);
        const l3 = [base, "l2", "l3"];
        await viewAt(root, l3).deleteAll();
        await expectLocations(root, all, run, (location) => isUnder(location.path, l3), " after deleteAll three levels down");
        await writeLocations(root, all, run);
        await viewAt(root, [base]).deleteAll();
        await expectLocations(root, all, run, (location) => isUnder(location.path, [base]), " after deleteAll one level down");
        await root.deleteAll();
        await expectLocations(root, all, run, () => true, " after deleteAll on the root");
      },
    },
    {
      name: "deleteAll spares siblings whose names start with the same letters",
      needsNamespaces: true,
      async run(root) {
        const cache = randomName("cache");
        const names = [cache, `${cache}2`, cache.slice(0, -1), `${cache}:x`, `${cache}/x`, `${cache}_x`, `${cache}.x`, `${cache} `];
        const locations = uniqueLocations(names.flatMap((name) => [{ path: [name], key: "k" }, { path: [name, "x"], key: "k" }, { path: [], key: `${name}k` }]));
        const run = randomKey("run");
        for (const name of names) {
          await writeLocations(root, locations, run);
          await root.withNamespace(name).deleteAll();
          await expectLocations(root, locations, run, (location) => location.path[0] === name, ` after deleteAll on ${show(name)}`);
        }
      },
    },
    {
      name: "glob metacharacters in a namespace name match nothing but that name",
      needsNamespaces: true,
      async run(root) {
        const globs = ["*", "?", "[ab]", "[", "a*", "\\", "*:*", "\\*"];
        const names = [...globs, "a", "b", "ab", "x", "a:b"];
        const locations = uniqueLocations(names.flatMap((name) => [{ path: [name], key: "k" }, { path: [name, "n"], key: "k" }]));
        const run = randomKey("run");
        for (const glob of globs) {
          await writeLocations(root, locations, run);
          await root.withNamespace(glob).deleteAll();
          await expectLocations(root, locations, run, (location) => location.path[0] === glob, ` after deleteAll on ${show(glob)}`);
        }
      },
    },
  ];
}
