// Abuse benchmark: the attacks of issue [5/8] "Safe to host", each run for a bounded time against a fresh
// production host, with what a host and an innocent visitor see meanwhile. Needs a production build.
//   npm run build && npm run bench:abuse -- [--seconds 25] [--only slow-reader,mint-labs] [--host-dir DIR] [--label after]
// The host (node dist/host/start.mjs of --host-dir, default this project) runs as a small server would: a
// 256 MB V8 heap (--max-old-space-size=256), 1,024 file descriptors (prlimit), a fresh PLAYGROUND_DATA_DIR,
// pinned to CPU 0 (taskset); this process (the attacker) and the innocent visitor (bench/abuse/visitor.mjs)
// run on CPU 1. All traffic goes to 127.0.0.1. During each attack the visitor samples the host's RSS and open
// file descriptors and asks /api/health every 50 ms (p50/p99/max), and every 2 s opens a lab and connects a
// socket.io-client from another address (X-Forwarded-For, PLAYGROUND_TRUST_PROXY=127.0.0.1).
// Writes bench/results/abuse-<date>[-label].json and prints a markdown table.
//   node bench/abuse.mjs --compare before.json after.json   prints two runs side by side.
import { execFileSync, fork, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { ATTACKS } from "./abuse/attacks.mjs";
import { HOST_CPU, HOST_FDS, HOST_HEAP_MB, startHost, TOOLS } from "./abuse/host.mjs";
import { mb, percentile, round, sleep } from "./abuse/tools.mjs";

const ATTACKER_CPU = "1";
const BASELINE_MS = 1500;
const AFTER_MS = 2000;

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = process.argv[index + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
  return value;
}

if (process.argv.includes("--compare")) {
  const [before, after] = process.argv.slice(process.argv.indexOf("--compare") + 1).map((file) => JSON.parse(readFileSync(file, "utf8")));
  console.log(compareTable(before, after));
  process.exit(0);
}

const SECONDS = Number(option("seconds", "25"));
if (!(SECONDS > 0)) throw new Error("--seconds must be a positive number");
const HOST_DIR = resolve(option("host-dir", "."));
const LABEL = option("label", "");
const only = option("only", "")
  .split(",")
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = only.filter((name) => !ATTACKS.some((attack) => attack.name === name));
if (unknown.length) throw new Error(`unknown attack ${unknown.join(", ")}: one of ${ATTACKS.map((attack) => attack.name).join(", ")}`);
const attacks = only.length ? ATTACKS.filter((attack) => only.includes(attack.name)) : ATTACKS;

// Pin the attacker (every thread of this process; the visitor inherits it) before anything starts.
let pinning = "not pinned: taskset is missing";
if (TOOLS.taskset) {
  const pinned = spawnSync("taskset", ["-a", "-p", "-c", ATTACKER_CPU, String(process.pid)], { encoding: "utf8" });
  pinning =
    pinned.status === 0
      ? `host on CPU ${HOST_CPU}, attacker and visitor on CPU ${ATTACKER_CPU} (taskset)`
      : `not pinned: ${pinned.stderr.trim()}`;
}
const hostCommit = (() => {
  try {
    return execFileSync("git", ["-C", HOST_DIR, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
})();
const hostLimits = `--max-old-space-size=${HOST_HEAP_MB}, ${TOOLS.prlimit ? `${HOST_FDS} file descriptors (prlimit)` : "no file descriptor limit of its own (prlimit is missing)"}`;
console.log(
  `Abuse bench: host ${HOST_DIR} at ${hostCommit}, ${hostLimits}; ${pinning}; ${SECONDS} s per attack; load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(" ")}`,
);

const loadAverageAtStart = loadavg().map((n) => round(n, 2));
const visitor = fork(new URL("./abuse/visitor.mjs", import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
await new Promise((resolve) => visitor.once("message", resolve));
const visitorReport = () => new Promise((resolve) => visitor.once("message", resolve));

/** Figures of the attack's window: peaks include the few seconds after it, while the host settles. */
function summarise(report, attackStartMs, attackEndMs) {
  const before = report.samples.filter((sample) => sample.t < attackStartMs);
  const during = report.samples.filter((sample) => sample.t >= attackStartMs);
  const inAttack = ([t]) => t >= attackStartMs && t <= attackEndMs;
  const valid = (samples, key) => samples.map((sample) => sample[key]).filter((value) => Number.isFinite(value));
  const rssStart = percentile(valid(before, "rss"), 50);
  const health = [...report.health, ...report.healthPending].filter(inAttack).map(([, ms]) => ms);
  const healthFailures = report.healthFailures.filter(inAttack).map(([, why]) => why);
  const checks = report.labChecks.filter((check) => check.t >= attackStartMs && check.t <= attackEndMs);
  const okChecks = checks.filter((check) => check.ok);
  return {
    rssMB: { start: mb(rssStart), peak: mb(Math.max(...valid(during, "rss"))), end: mb(valid(report.samples, "rss").at(-1)) },
    fds: { start: percentile(valid(before, "fds"), 50), peak: Math.max(...valid(during, "fds")) },
    childProcesses: { peak: Math.max(0, ...valid(during, "children")), peakRssMB: mb(Math.max(0, ...valid(during, "childrenRss"))) },
    dataDirMB: { peak: mb(Math.max(0, ...valid(report.samples, "dataBytes"))) },
    healthMs: {
      answered: report.health.filter(inAttack).length,
      failed: healthFailures.length,
      failures: Object.fromEntries(Object.entries(countBy(healthFailures)).slice(0, 5)),
      pendingAtEnd: report.healthPending.length,
      p50: round(percentile(health, 50)),
      p99: round(percentile(health, 99)),
      max: round(Math.max(0, ...health)),
    },
    visitor: {
      checks: checks.length,
      ok: okChecks.length,
      msP50: percentile(
        okChecks.map((check) => check.ms),
        50,
      ),
      msMax: Math.max(0, ...okChecks.map((check) => check.ms)),
      errors: Object.fromEntries(Object.entries(countBy(checks.filter((check) => !check.ok).map((check) => check.error))).slice(0, 5)),
    },
    samples: report.samples.length,
    // Every tenth sample (about two a second), from the attack's start: enough to draw RSS and fds over time.
    series: report.samples
      .filter((sample, index) => index % 10 === 0)
      .map((sample) => ({
        t: round((sample.t - attackStartMs) / 1000, 2),
        rssMB: mb(sample.rss),
        fds: sample.fds,
        childrenRssMB: mb(sample.childrenRss),
        dataMB: mb(sample.dataBytes),
      })),
  };
}

function countBy(values) {
  const counts = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

const results = [];
for (const attack of attacks) {
  console.log(`\n## ${attack.name}: ${attack.title}\n  reported before the fixes: ${attack.reported}\n  test: ${attack.test}`);
  let host;
  const result = { name: attack.name, title: attack.title, reported: attack.reported, test: attack.test };
  try {
    host = await startHost({ hostDir: HOST_DIR });
    result.hostAffinity = host.affinity;
    result.loadAverageAtStart = loadavg().map((n) => round(n, 2));
    visitor.send({
      type: "start",
      origin: host.origin,
      pid: host.pid,
      dataDir: host.dataDir,
      lesson: attack.visitorLesson ?? "emit",
      labEveryMs: attack.labEveryMs ?? 2000,
      connectTimeoutMs: attack.connectTimeoutMs ?? 5000,
    });
    const visitorStarted = performance.now();
    await sleep(BASELINE_MS);
    const attackStartMs = performance.now() - visitorStarted;
    const attackStartWall = Date.now();
    const endAt = performance.now() + SECONDS * 1000;
    const running = () => performance.now() < endAt && host.alive();
    try {
      const outcome = await attack.run({ origin: host.origin, host, running });
      Object.assign(result, outcome);
    } catch (error) {
      result.outcome = `attack failed: ${error.message}`;
      result.error = String(error.stack ?? error);
    }
    const attackEndMs = performance.now() - visitorStarted;
    result.attackSeconds = round((attackEndMs - attackStartMs) / 1000);
    await sleep(AFTER_MS);
    const reporting = visitorReport();
    visitor.send({ type: "stop" });
    const report = await reporting;
    Object.assign(result, summarise(report, attackStartMs, attackEndMs));
    result.visitorChecks = report.labChecks;
    result.hostAlive = host.alive();
    if (!result.hostAlive) {
      result.hostExit = host.exited;
      result.hostDiedAfterSeconds = round((host.exited.atMs - attackStartWall) / 1000);
      result.hostLastWords = host.output.marks;
    } else {
      result.healthAfter = await fetch(`${host.origin}/api/health`)
        .then((answer) => answer.status)
        .catch((error) => error.cause?.code ?? error.message);
    }
    result.hostOutputLines = host.output.lines;
    if (host.output.marks.length) result.hostMarks = host.output.marks;
  } catch (error) {
    result.outcome = `not run: ${error.message}`;
    result.error = String(error.stack ?? error);
  } finally {
    await host?.stop();
  }
  console.log(`  ${result.outcome}`);
  if (result.rssMB) {
    console.log(
      `  RSS ${result.rssMB.start} → ${result.rssMB.peak} MB, fds ${result.fds.start} → ${result.fds.peak}, health p50/p99/max ${result.healthMs.p50}/${result.healthMs.p99}/${result.healthMs.max} ms (${result.healthMs.failed} failed), visitor ${result.visitor.ok}/${result.visitor.checks}, host ${result.hostAlive ? "alive" : `dead ${JSON.stringify(result.hostExit)}`}`,
    );
  }
  results.push(result);
}
visitor.send({ type: "exit" });

const date = new Date().toISOString().slice(0, 10);
const output = {
  at: new Date().toISOString(),
  label: LABEL || null,
  node: process.version,
  hostDir: HOST_DIR,
  hostCommit,
  host: { heapMB: HOST_HEAP_MB, fileDescriptors: TOOLS.prlimit ? HOST_FDS : null, pinning },
  secondsPerAttack: SECONDS,
  loadAverageAtStart,
  loadAverageAtEnd: loadavg().map((n) => round(n, 2)),
  attacks: results,
};
const file = option("out", `bench/results/abuse-${date}${LABEL ? `-${LABEL}` : ""}.json`);
mkdirSync("bench/results", { recursive: true });
writeFileSync(file, `${JSON.stringify(output, null, 1)}\n`);
console.log(`\n${table(output)}\n\nWritten to ${file}.`);

function row(result) {
  if (!result.rssMB) return `| ${result.name} | ${result.outcome} | – | – | – | – | – |`;
  const v = result.visitor;
  const visitorCell =
    v.checks === 0
      ? "no check"
      : `${v.ok === v.checks ? "yes" : v.ok === 0 ? "no" : "partly"} (${v.ok}/${v.checks}${v.ok ? `, p50 ${v.msP50} ms` : ""}${v.ok < v.checks ? `; ${Object.keys(v.errors)[0]?.slice(0, 60)}` : ""})`;
  const alive = result.hostAlive
    ? "yes"
    : `no (${result.hostExit?.signal ?? `exit ${result.hostExit?.code}`} after ${result.hostDiedAfterSeconds} s)`;
  const health = `${result.healthMs.p99} / ${result.healthMs.max}${result.healthMs.failed ? ` (${result.healthMs.failed} failed)` : ""}`;
  return `| ${result.name} | ${result.outcome} | ${result.rssMB.start} → ${result.rssMB.peak}${children(result)} | ${result.fds.peak} | ${health} | ${visitorCell} | ${alive} |`;
}

/** The host's child processes (Scaling lab nodes, a database process), when it had any. */
function children(result) {
  return result.childProcesses?.peak ? ` (children: up to ${result.childProcesses.peak}, ${result.childProcesses.peakRssMB} MB)` : "";
}

function table(run) {
  return [
    `Abuse bench at ${run.hostCommit}${run.label ? ` (${run.label})` : ""}, ${run.secondsPerAttack} s per attack, ${run.host.pinning}; load average ${run.loadAverageAtStart?.join(" ") ?? "?"} at the start, ${run.loadAverageAtEnd.join(" ")} at the end.`,
    "",
    "| attack | outcome | RSS MB start → peak | fds peak | health p99 / max ms | innocent visitor ok | host alive |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...run.attacks.map(row),
  ].join("\n");
}

function compareTable(before, after) {
  const cell = (result) => {
    if (!result) return "–";
    if (!result.rssMB) return result.outcome;
    const alive = result.hostAlive ? "alive" : `**died** after ${result.hostDiedAfterSeconds} s`;
    return `${result.outcome}. RSS ${result.rssMB.start} → ${result.rssMB.peak} MB${children(result)}, fds ${result.fds.peak}, health p99/max ${result.healthMs.p99}/${result.healthMs.max} ms${result.healthMs.failed ? ` (${result.healthMs.failed} failed)` : ""}, visitor ${result.visitor.ok}/${result.visitor.checks}, host ${alive}`;
  };
  return [
    `Before: ${before.hostCommit}, after: ${after.hostCommit}; ${after.secondsPerAttack} s per attack (before: ${before.secondsPerAttack} s); load average at the end ${before.loadAverageAtEnd.join(" ")} / ${after.loadAverageAtEnd.join(" ")}.`,
    "",
    "| attack | reported in the issue (old code) | before, this bench | after, this bench | test |",
    "| --- | --- | --- | --- | --- |",
    ...after.attacks.map(
      (result) =>
        `| ${result.name} | ${result.reported ?? "–"} | ${cell(before.attacks.find((other) => other.name === result.name))} | ${cell(result)} | ${result.test ?? "–"} |`,
    ),
  ].join("\n");
}
