// Summarises a server's `--trace-gc` output over a time window: how often V8 collects, how long the pauses
// are, how fast the old generation fills, and each full (Mark-Compact) collection's live heap and marking
// time. It is how the load benchmark's lab tail was traced to full collections ([8/8]):
//   BENCH_SERVER_OUTPUT=1 BENCH_SERVER_NODE_ARGS=--trace-gc node bench/load.mjs 2000 60 --only=lab > /tmp/gc.log
//   node bench/gc-trace.mjs /tmp/gc.log [fromMs=20000] [toMs]
// Times are the process's own (ms since it started); start the window after the learners have connected.
import { readFileSync } from "node:fs";

const [file, fromArg, toArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/gc-trace.mjs <trace-gc log> [fromMs=20000] [toMs]");
  process.exit(2);
}
const from = Number(fromArg ?? 20000);
const to = Number(toArg ?? Infinity);
// One V8 line, e.g. "  44574 ms: Mark-Compact 305.1 (406.9) -> 182.5 (340.4) MB, pooled: 66 MB, 21.55 / 0.00 ms
// (+ 258.9 ms in 60 steps since start of marking, biggest step 21.1 ms, walltime since start of marking 326 ms)".
const LINE =
  /\s(\d+) ms: (Scavenge|Mark-Compact) ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB,(?: pooled: \d+ MB,)? ([\d.]+) \/ [\d.]+ ms\s+(?:\(\+ ([\d.]+) ms in \d+ steps.*?biggest step ([\d.]+) ms, walltime since start of marking (\d+) ms\))?/;

const scavenges = [];
const fulls = [];
for (const line of readFileSync(file, "utf8").split("\n")) {
  const m = LINE.exec(line);
  if (!m || Number(m[1]) < from || Number(m[1]) > to) continue;
  const gc = { at: Number(m[1]), before: Number(m[3]), after: Number(m[4]), pause: Number(m[5]) };
  if (m[2] === "Scavenge") scavenges.push(gc);
  else fulls.push({ ...gc, incremental: Number(m[6] ?? 0), biggestStep: Number(m[7] ?? 0), markingWall: Number(m[8] ?? 0) });
}
if (scavenges.length < 2) {
  console.error("fewer than two scavenges in the window: is this --trace-gc output, and the window right?");
  process.exit(1);
}
const seconds = (scavenges.at(-1).at - scavenges[0].at) / 1000;
// What each scavenge left in the heap beyond the last one: what it promoted, when no full collection came between.
const promoted = [];
for (let i = 1; i < scavenges.length; i += 1)
  if (!fulls.some((gc) => gc.at > scavenges[i - 1].at && gc.at < scavenges[i].at))
    promoted.push(scavenges[i].after - scavenges[i - 1].after);
const sum = (list) => list.reduce((total, x) => total + x, 0);
const r1 = (x) => Math.round(x * 10) / 10;
console.log(
  JSON.stringify(
    {
      windowSeconds: r1(seconds),
      scavengesPerSecond: r1(scavenges.length / seconds),
      scavengePauseMs: {
        mean: r1(sum(scavenges.map((gc) => gc.pause)) / scavenges.length),
        max: Math.max(...scavenges.map((gc) => gc.pause)),
      },
      scavengeMsPerSecond: r1(sum(scavenges.map((gc) => gc.pause)) / seconds),
      oldGenerationGrowthMBPerSecond: r1((sum(promoted) / promoted.length) * (scavenges.length / seconds)),
      fullCollections: fulls.map((gc) => ({
        atSeconds: r1(gc.at / 1000),
        heapBeforeMB: gc.before,
        liveAfterMB: gc.after,
        incrementalMarkingMs: gc.incremental,
        biggestStepMs: gc.biggestStep,
        markingWallMs: gc.markingWall,
        finalPauseMs: gc.pause,
      })),
    },
    null,
    1,
  ),
);
