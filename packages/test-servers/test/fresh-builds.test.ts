import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertFreshBuilds } from "../src/index.js";

let packages: string;
beforeAll(async () => {
  packages = await mkdtemp(join(tmpdir(), "stowage-fresh-builds-"));
  for (const name of ["fresh", "stale", "unbuilt"]) {
    await mkdir(join(packages, name, "src", "nested"), { recursive: true });
    await writeFile(join(packages, name, "src", "nested", "a.ts"), "");
    await writeFile(join(packages, name, "src", "a.test.ts"), ""); // tests do not count
  }
  for (const name of ["fresh", "stale"]) {
    await mkdir(join(packages, name, "dist"));
    await writeFile(join(packages, name, "dist", "index.cjs"), "");
  }
  const past = new Date(Date.now() - 60_000);
  const future = new Date(Date.now() + 60_000);
  await utimes(join(packages, "stale", "dist", "index.cjs"), past, past);
  await utimes(join(packages, "fresh", "src", "a.test.ts"), future, future);
});
afterAll(() => rm(packages, { recursive: true, force: true }));

test("accepts builds newer than their sources, test files aside", async () => {
  await expect(assertFreshBuilds(packages, ["fresh"])).resolves.toBeUndefined();
});

test("names a package with an older build, or none", async () => {
  await expect(assertFreshBuilds(packages, ["fresh", "stale"])).rejects.toThrow("packages/stale has a build older than its sources: run `pnpm build` first");
  await expect(assertFreshBuilds(packages, ["unbuilt"])).rejects.toThrow("packages/unbuilt has no build");
});
