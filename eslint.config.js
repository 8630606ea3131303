// Lint for the whole project: TypeScript (typescript-eslint's recommended rules), Astro components, and the
// plain .mjs scripts. Formatting is Prettier's job (.prettierrc.json), so no style rules here.
import js from "@eslint/js";
import astro from "eslint-plugin-astro";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", ".astro/", ".cache/", "node_modules/", "data/", "bench/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...astro.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // An unused argument named with a leading underscore says "the signature needs it, this code does not".
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
);
