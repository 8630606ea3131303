// Adds <link rel="modulepreload"> to each built page (dist/client) for every module its scripts import
// statically, however deep. Without them the browser finds a page's modules one level at a time, each
// level a round trip after the one before: on a phone's network (150 ms RTT) the lab's code arrived in
// three waves, about half a second later than in one (bench/lab-open.mjs). Dynamic imports (the code
// editor, the search index, the home page's demo) are left to load on demand. A lab page's LabBoot script
// is made `async` (below).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { importsOf } from "./module-graph.mjs";

const ROOT = process.argv[2] ?? "dist/client";

function* htmlFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(path);
    else if (entry.name.endsWith(".html")) yield path;
  }
}

const cache = new Map();
function moduleImports(sitePath) {
  if (!cache.has(sitePath)) cache.set(sitePath, importsOf(readFileSync(join(ROOT, sitePath), "utf8"), sitePath));
  return cache.get(sitePath);
}

/** Every module reachable from `entries` by static imports, the entries themselves excepted. */
function closure(entries) {
  const seen = new Set(entries);
  const found = [];
  const queue = [...entries];
  while (queue.length) {
    for (const next of moduleImports(queue.shift())) {
      if (seen.has(next)) continue;
      seen.add(next);
      found.push(next);
      queue.push(next);
    }
  }
  return found;
}

let pages = 0;
let links = 0;
for (const path of htmlFiles(ROOT)) {
  const html = readFileSync(path, "utf8");
  if (html.includes('rel="modulepreload"')) continue;
  const pagePath = `/${posix.relative(ROOT, path).split("\\").join("/")}`;
  const entries = [...html.matchAll(/<script type="module" src="(\/[^"]+\.js)"/g)].map((match) => match[1]);
  // Inline module scripts import by their page's URL.
  const inline = [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].flatMap((match) =>
    importsOf(match[1], posix.join(dirname(pagePath), "index.html")),
  );
  // The entries too: their <script> tags sit at the end of a long page, where the parser reaches them only
  // after the first layout and paint (on a 4× slower phone CPU, ~700 ms after the HTML arrived). Each entry
  // is followed by what it imports, in the page's order: the browser asks for them in this order, and the
  // first entry of a lab page (LabBoot.astro) starts the lab's clients as soon as its own modules are in.
  const all = [...new Set([...entries, ...inline].flatMap((entry) => [entry, ...closure([entry])]))];
  if (all.length === 0) continue;
  const tags = all.map((module) => `<link rel="modulepreload" href="${module}">`).join("");
  // A lab page's first module (src/components/LabBoot.astro) starts the lab's clients: it runs as soon as
  // its own modules are in, not after the page has been parsed, which on a 4× slower CPU ends ~400 ms after
  // the HTML arrived. Astro writes no attribute on a script it bundles, so `async` is added here.
  const marked = html.replace(/<script type="module" src="(\/_astro\/LabBoot\.[\w-]+\.js)">/, '<script type="module" async src="$1">');
  writeFileSync(path, marked.replace("</head>", `${tags}</head>`));
  pages += 1;
  links += all.length;
}
console.log(`modulepreload: ${links} links on ${pages} pages`);
