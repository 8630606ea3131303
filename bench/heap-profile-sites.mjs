// Sums a sampling heap profile (bench/gc-sampler.mjs) by allocation site: the function, file and line that
// allocated, with `depth` callers when asked, largest first.
//   node bench/heap-profile-sites.mjs <file.heapprofile> [rows=40] [depth=1]
import { readFileSync } from "node:fs";

const [file, rows = "40", depth = "1"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/heap-profile-sites.mjs <file.heapprofile> [rows=40] [depth=1]");
  process.exit(2);
}
const { head, samples } = JSON.parse(readFileSync(file, "utf8"));
const stacks = new Map();
const pending = [[head, []]];
while (pending.length > 0) {
  const [node, callers] = pending.pop();
  const { functionName, url, lineNumber } = node.callFrame;
  const stack = [...callers, `${functionName || "(anonymous)"} ${url.replace(/.*\//, "")}:${lineNumber + 1}`];
  stacks.set(node.id, stack);
  for (const child of node.children) pending.push([child, stack]);
}
const bySite = new Map();
let total = 0;
for (const { nodeId, size } of samples) {
  const site = (stacks.get(nodeId) ?? ["(unknown)"]).slice(-Number(depth)).reverse().join(" <- ");
  bySite.set(site, (bySite.get(site) ?? 0) + size);
  total += size;
}
console.log(`sampled ${(total / 1e6).toFixed(1)} MB`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(rows)))
  console.log(`${(bytes / 1e6).toFixed(2).padStart(8)} MB ${((100 * bytes) / total).toFixed(1).padStart(5)} %  ${site}`);
