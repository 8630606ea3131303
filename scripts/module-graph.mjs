// The source files a browser module imports, itself included, followed through relative value imports
// (not `import type`, which the build erases). astro.config.mjs uses it to give the lab's first module
// (src/client/lab-boot.ts) a chunk of its own; tests/browser/page-budget.test.ts checks what that chunk weighs.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^;"']*?\s+from\s+)?["']([^"']+)["']/gms;

/** @param {string} entry an absolute path of a .ts file @returns {Set<string>} absolute paths */
export function localModuleGraph(entry) {
  const seen = new Set();
  const queue = [entry];
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.pop());
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, typeOnly, specifier] of readFileSync(file, "utf8").matchAll(IMPORT)) {
      if (typeOnly || !specifier?.startsWith(".")) continue;
      queue.push(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
    }
  }
  return seen;
}
