// What a browser module imports. In the sources: astro.config.mjs gives the lab's first module
// (src/client/lab-boot.ts) and what it imports a chunk of their own. In the build: scripts/modulepreload.mjs
// preloads a page's modules, and tests/browser/page-budget.test.ts weighs the lab's first module.
import { readFileSync } from "node:fs";
import { dirname, posix, resolve } from "node:path";

/** In built code: `import{a as b}from"./x.js"`, `import"./x.js"`, `export{c}from"./x.js"`; not `import("./x.js")`. */
const STATIC_IMPORT = /(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'`](\.{1,2}\/[^"'`]+?\.js)["'`]/g;

/** The site paths a built module's code imports statically, resolved against the module's own site path. */
export function importsOf(code, from) {
  return [...code.matchAll(STATIC_IMPORT)].map((match) => posix.join(posix.dirname(from), match[1]));
}

// The source files a module imports, itself included, followed through relative value imports (not
// `import type`, which the build erases).
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
