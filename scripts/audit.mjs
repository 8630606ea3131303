// The dependency audit: `npm audit` against the registry's advisory database, for every installed package
// (dev ones included: they run in CI and in the build). Exit 1 on a known vulnerability of moderate severity
// or worse. Exit 2 when no advisory database answered (a registry mirror that serves GET only answers the
// audit's POST with 405): that is said as "not done", never passed off as a clean audit.
import { spawnSync } from "node:child_process";

const run = spawnSync("npm", ["audit", "--json"], { encoding: "utf8", timeout: 120_000 });
/** @type {any} */
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = undefined;
}
const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const why = report?.message ?? report?.error?.summary ?? (run.stderr || run.error?.message || "no answer").trim().split("\n")[0];
  console.error(`dependency audit NOT DONE: npm audit found no advisory database to ask (${why})`);
  process.exit(2);
}
const serious = ["moderate", "high", "critical"];
const found = Object.entries(report.vulnerabilities ?? {}).filter(([, entry]) => serious.includes(entry.severity));
for (const [name, entry] of found)
  console.error(`${entry.severity}: ${name} ${entry.range ?? ""}${entry.fixAvailable ? " (a fix is available)" : ""}`);
console.log(
  `dependency audit: ${counts.total} known vulnerabilities (${serious.map((level) => `${counts[level] ?? 0} ${level}`).join(", ")})`,
);
process.exit(found.length > 0 ? 1 : 0);
