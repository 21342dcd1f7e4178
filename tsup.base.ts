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
  treeshake: true,
};
