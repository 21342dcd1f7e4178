import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeStoreConformance } from "@stowage/conformance";
import { MapStore } from "./map-store.js";

describeStoreConformance({ name: "MapStore", create: () => new MapStore() });

test("docs/write-your-own-store.md shows exactly the code of map-store.ts", () => {
  const page = readFileSync(join(__dirname, "..", "..", "write-your-own-store.md"), "utf8");
  const shown = /<!-- map-store\.ts -->\s*```ts\n([\s\S]*?)```/.exec(page)?.[1];
  expect(shown).toBe(readFileSync(join(__dirname, "map-store.ts"), "utf8"));
});
