/**
 * Shared jest config. ts-jest compiles the TypeScript sources to CommonJS for the tests (the
 * packages are "type": "module", so the inline tsconfig overrides the module settings); the
 * first mapper strips the ".js" that NodeNext imports carry, the second points workspace
 * packages at their sources, so tests never run against a stale build. The built packages are
 * checked separately, as a consumer imports them (docs/examples).
 */
const path = require("node:path");

module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: { module: "commonjs", moduleResolution: "node10", isolatedModules: true } }],
  },
  moduleNameMapper: {
    "^(\\.{1,2}/.*)\\.js$": "$1",
    "^@stowage/([a-z-]+)$": path.join(__dirname, "packages", "$1", "src", "index.ts"),
  },
  testMatch: ["<rootDir>/src/**/*.test.ts", "<rootDir>/test/**/*.test.ts"],
};
