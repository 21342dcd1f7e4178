import type { Options } from "tsup";

/** The one build config every published package uses: ESM + CommonJS with declarations. */
export const packageBuild: Options = {
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  target: "node20",
  sourcemap: true,
  clean: true,
  splitting: false,
  // esbuild renames classes it lowers (`MemoryStore` became `_MemoryStore`); this keeps the
  // names users see in `constructor.name`, stack traces and `console.log`.
  keepNames: true,
  // tsup's `treeshake` runs Rollup over esbuild's output, and both append a
  // `//# sourceMappingURL` comment, so every file carried it twice. esbuild's bundling already
  // drops unused code.
  treeshake: false,
};
