// Sums a V8 CPU profile (node --cpu-prof) by function: self time of each function, file and line, largest
// first, over a window of the profile so that start-up and the end of the run are left out. With `by=file`
// it sums by source file (for a bundle, by the `// src/…` module each function is in, when `bundle` is given).
//   node bench/cpu-profile-sites.mjs <file.cpuprofile> [rows=40] [from=10] [to=30] [by=function|file] [bundle]
// `from` and `to` are seconds since the profile began.
import { readFileSync } from "node:fs";

const [file, rows = "40", from = "10", to = "30", by = "function", bundle] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/cpu-profile-sites.mjs <file.cpuprofile> [rows=40] [from=10] [to=30] [by=function|file] [bundle]");
  process.exit(2);
}
const { nodes, samples, timeDeltas, startTime } = JSON.parse(readFileSync(file, "utf8"));

/** For a bundle: the source module each line belongs to, from esbuild's `// src/…` comments. */
const moduleOfLine = [];
if (bundle) {
  let current = "(bundle)";
  for (const [i, line] of readFileSync(bundle, "utf8").split("\n").entries()) {
    const match = /^\/\/ ((?:src|node_modules)\/\S+)/.exec(line);
    if (match) current = match[1].replace(/^node_modules\/((?:@[^/]+\/)?[^/]+).*/, "$1");
    moduleOfLine[i] = current;
  }
}

const byId = new Map(nodes.map((node) => [node.id, node]));
function siteOf(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = url.replace(/.*\//, "") || "(native)";
  if (by === "file") return bundle && url.endsWith(bundle.replace(/.*\//, "")) ? (moduleOfLine[lineNumber] ?? name) : name;
  return `${functionName || "(anonymous)"} ${name}:${lineNumber + 1}`;
}

const bySite = new Map();
let t = startTime;
let busy = 0;
let window = 0;
const fromUs = startTime + Number(from) * 1e6;
const toUs = startTime + Number(to) * 1e6;
for (const [i, id] of samples.entries()) {
  const delta = timeDeltas[i] ?? 0;
  t += delta;
  if (t < fromUs || t > toUs) continue;
  window += delta;
  const node = byId.get(id);
  if (!node || node.callFrame.functionName === "(idle)") continue;
  busy += delta;
  const site = siteOf(node);
  bySite.set(site, (bySite.get(site) ?? 0) + delta);
}
console.log(`window ${(window / 1e6).toFixed(2)} s, main thread busy ${(busy / 1e6).toFixed(2)} s`);
for (const [site, us] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(rows)))
  console.log(`${(us / 1e6).toFixed(3).padStart(8)} s ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${site}`);
