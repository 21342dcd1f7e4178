// Lint rules for every package: typescript-eslint's recommended set, plus the naming rules of
// the style guide. Run through `pnpm lint` (turbo runs each package's `lint` script).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**", "**/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "Use named exports (style guide: no default exports)." },
        { selector: "ExportAllDeclaration", message: "List exports by name (style guide: no export *)." },
      ],
      "id-denylist": ["error", "opts", "cfg", "e", "err"],
    },
  },
  {
    files: ["**/tsup.config.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    files: ["**/*.test.ts", "**/test/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
