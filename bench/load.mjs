// Load benchmark ([8/8]): the lab layer against plain Socket.IO, pinned and in alternation.
//   npm run build && npm run bench -- [learners[,learners…]=500,2000,5000] [seconds=30] [--rounds=3] [--warmup=30]
//                                     [--workers=N] [--client=socket.io] [--only=lab|plain|sandboxed]
//                                     [--compare=sandbox]
// Each learner opens a lab of the Broadcast & rooms lesson and connects three clients; every client joins
// its learner's room and, once a second, asks the server to send to the room with an ack (socket.to(room)).
// The same load runs against a plain Socket.IO server with the same handlers and no lab layer.
// - Pinning (Linux, taskset): the server under test and its threads and children on CPU 0, the load
//   generator on CPU 1. Without pinning the script still runs but claims no p99 (a shared core decides
//   the tail, not the server). Each server starts on its CPU, so it sees one CPU, as a host confined to
//   one core does. Both start with the host's V8 flags (src/server/host/start-flags.ts): the heap's sizing
//   (PLAYGROUND_SEMI_SPACE_MB, PLAYGROUND_HEAP_GROWING_PERCENT) and, with PLAYGROUND_SINGLE_THREADED_GC=auto,
//   garbage collection on one thread. The output says how each server collected.
// - Warm-up: each run's figures start after --warmup seconds of the same load (as long as the run, at most
//   30), so that they are the load's steady state, not the set-up's wake: 2,000 labs made in ~8 s leave a
//   heap to settle (a full collection or two in the next seconds), and their logs fill in the first ~20 s.
// - Alternation: for each learner count, lab, plain, lab, plain… for --rounds rounds (at least 3). The
//   figures quoted are the medians of the per-round lab/plain ratios, with their spread.
// - The clients are bench/wire-client.mjs unless --client=socket.io asks for socket.io-client; the load
//   generator's CPU is reported, and --workers splits it over worker threads (they share the generator's
//   CPU: on a 2-core machine that does not add capacity, so past 70 % the output says so).
// - --only=lab (or plain) runs one server once per count and prints its figures, writing no results: for
//   profiling it (BENCH_SERVER_NODE_ARGS below), not for quoting.
// - --compare=sandbox runs the lab host twice instead: "lab", the lesson's own handlers, against "sandboxed",
//   the same lesson's server.ts PUT as each learner's server code (docs/server-code.md), so the two differ
//   only by the sandbox. Its sandbox limits are raised (as bench/sandbox.mjs does) so that no code is
//   stopped for being slow under load. The ratios are then sandboxed/native.
// Writes bench/results/load.json and bench/results/load.md (load-sandbox.* with --compare=sandbox).
import { mkdirSync, writeFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { GENERATOR_CPU, SERVER_CPU, allowedCpus, pinTree, pinningUnavailable } from "./load/pinning.mjs";
import { startServer, usage } from "./load/servers.mjs";
import { median, percentile, ratio, round2, spread } from "./load/stats.mjs";

const args = process.argv.slice(2);
const flag = (name, fallback) => args.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const positional = args.filter((arg) => !arg.startsWith("--"));
const COUNTS = (positional[0] ?? "500,2000,5000").split(",").map(Number);
const SECONDS = Number(positional[1] ?? 30);
const ROUNDS = Math.max(3, Number(flag("rounds", 3)));
/**
 * Seconds of the same load before each run's figures start (as long as the run, at most 30 s, unless told):
 * thousands of labs made at once leave a heap to settle, and their logs fill in the first ~20 s.
 */
const WARMUP = Number(flag("warmup", Math.min(30, SECONDS)));
const WORKERS = Math.max(1, Number(flag("workers", 1)));
const ONLY = flag("only", undefined);
const SANDBOX = flag("compare", "plain") === "sandbox";
/** The two servers of each round: the figures are ratios of the first to the second. */
const [A, B] = SANDBOX ? ["sandboxed", "lab"] : ["lab", "plain"];
const OUT = SANDBOX ? "bench/results/load-sandbox" : "bench/results/load";
const CLIENT = flag("client", "wire-client") === "socket.io" ? "socket.io-client" : "wire-client";
// e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the servers.
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
if (
  COUNTS.some((n) => !Number.isInteger(n) || n < 1) ||
  !(SECONDS > 0) ||
  !(WARMUP >= 0) ||
  ![undefined, "lab", "plain", "sandboxed"].includes(ONLY)
) {
  console.error(
    "usage: npm run bench -- [learners[,learners…]] [seconds] [--rounds=3] [--warmup=30] [--workers=N] [--client=socket.io] [--only=lab|plain]",
  );
  process.exit(2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const unpinnable = pinningUnavailable();
const pinned = unpinnable === undefined;
if (pinned) pinTree(process.pid, GENERATOR_CPU);
console.log(
  pinned
    ? `Pinned: servers on CPU ${SERVER_CPU}, load generator on CPU ${allowedCpus(process.pid)} (taskset).`
    : `NOT pinned (${unpinnable}): server and load generator share CPUs, so no ack p99 is claimed.`,
);

/** Runs the learners over the worker threads; resolves when every thread has answered `type`. */
function ask(workers, message, type) {
  return Promise.all(
    workers.map(
      (worker) =>
        new Promise((resolve, reject) => {
          const onMessage = (answer) => {
            if (answer.type !== type && answer.type !== "error") return;
            worker.off("message", onMessage);
            if (answer.type === "error") reject(new Error(answer.message));
            else resolve(answer);
          };
          worker.on("message", onMessage);
          worker.postMessage(message);
        }),
    ),
  );
}

async function run(kind, learners) {
  const server = await startServer(kind, { cpu: pinned ? SERVER_CPU : undefined, learners, nodeArgs: SERVER_NODE_ARGS });
  await sleep(500);
  const idle = usage(server.pid);
  const share = Math.ceil(learners / WORKERS);
  const workers = Array.from({ length: Math.min(WORKERS, learners) }, (_, i) => {
    const from = i * share;
    return new Worker(new URL("./load/generator.mjs", import.meta.url), {
      workerData: { kind, origin: server.origin, from, to: Math.min(learners, from + share), client: CLIENT },
    });
  });
  try {
    const ready = await ask(workers, { type: "setup" }, "ready");
    if (pinned) pinTree(server.pid, SERVER_CPU); // children started meanwhile (the database process)
    await sleep(500);
    const loaded = usage(server.pid);
    const startAt = Date.now() + 200;
    const measureFrom = startAt + WARMUP * 1000;
    const going = ask(workers, { type: "go", startAt, warmupSeconds: WARMUP, seconds: SECONDS }, "done");
    // The figures start after the warm-up, as the generator's counts do.
    await sleep(measureFrom - Date.now());
    const generatorStart = process.cpuUsage(); // the whole process: every worker thread
    const start = usage(server.pid);
    const done = await going;
    const end = usage(server.pid);
    const generatorCpu = process.cpuUsage(generatorStart);
    const wallSeconds = (Date.now() - measureFrom) / 1000;
    await ask(workers, { type: "close" }, "closed");
    const rtts = done.flatMap((part) => [...part.rtts]).sort((a, b) => a - b);
    const createMs = ready.flatMap((part) => part.createMs).sort((a, b) => a - b);
    const acks = done.reduce((sum, part) => sum + part.acks, 0);
    const news = done.reduce((sum, part) => sum + part.news, 0);
    const eventsPerSecond = (acks * 2 + news) / wallSeconds;
    const serverCpuPercent = ((end.cpu - start.cpu) / wallSeconds) * 100;
    return {
      kind,
      learners,
      clients: ready.reduce((sum, part) => sum + part.clients, 0),
      seconds: round2(wallSeconds),
      ackRoundTripMs: { p50: round2(percentile(rtts, 50)), p99: round2(percentile(rtts, 99)), max: round2(rtts.at(-1) ?? null) },
      acksPerSecond: round2(acks / wallSeconds),
      eventsPerSecond: round2(eventsPerSecond),
      failures: done.reduce((sum, part) => sum + part.failures, 0),
      serverCpuPercent: round2(serverCpuPercent),
      serverCpuMsPerThousandEvents: round2((serverCpuPercent * 10) / (eventsPerSecond / 1000)),
      serverRssMB: round2(end.rss / 1e6),
      memoryPerLearnerKB: round2((loaded.rss - idle.rss) / learners / 1024),
      loadGeneratorCpuPercent: round2(((generatorCpu.user + generatorCpu.system) / 1e6 / wallSeconds) * 100),
      gc: server.gc,
      labCreateMs: kind !== "plain" ? { p50: round2(percentile(createMs, 50)), p99: round2(percentile(createMs, 99)) } : null,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
    await server.stop();
  }
}

if (ONLY) {
  for (const learners of COUNTS) console.log(JSON.stringify(await run(ONLY, learners)));
  process.exit(0);
}

const runs = [];
const summary = {};
for (const learners of COUNTS) {
  const rounds = [];
  for (let r = 1; r <= ROUNDS; r += 1) {
    // "lab" and "plain" name the first and second server of the round (with --compare=sandbox, sandboxed and lab).
    const lab = await run(A, learners);
    const plain = await run(B, learners);
    runs.push({ round: r, ...lab }, { round: r, ...plain });
    const perRound = {
      round: r,
      ackP50Ratio: ratio(lab.ackRoundTripMs.p50, plain.ackRoundTripMs.p50),
      ackP99Ratio: ratio(lab.ackRoundTripMs.p99, plain.ackRoundTripMs.p99),
      cpuPerEventRatio: ratio(lab.serverCpuMsPerThousandEvents, plain.serverCpuMsPerThousandEvents),
      memoryPerLearnerRatio: ratio(lab.memoryPerLearnerKB, plain.memoryPerLearnerKB),
      lab,
      plain,
    };
    rounds.push(perRound);
    console.log(
      `${learners} learners, round ${r}: ack p99 ${A} ${lab.ackRoundTripMs.p99} / ${B} ${plain.ackRoundTripMs.p99} ms (×${round2(perRound.ackP99Ratio)}), ` +
        `CPU per event ×${round2(perRound.cpuPerEventRatio)}, memory per learner ${lab.memoryPerLearnerKB} / ${plain.memoryPerLearnerKB} KB, ` +
        `generator CPU ${lab.loadGeneratorCpuPercent} / ${plain.loadGeneratorCpuPercent} %, failed sends ${lab.failures} / ${plain.failures}`,
    );
  }
  const pick = (key) => rounds.map((r) => r[key]);
  const generatorMax = Math.max(...rounds.flatMap((r) => [r.lab.loadGeneratorCpuPercent, r.plain.loadGeneratorCpuPercent]));
  summary[String(learners)] = {
    rounds: rounds.length,
    ackP50Ratio: round2(median(pick("ackP50Ratio"))),
    ackP99Ratio: pinned ? round2(median(pick("ackP99Ratio"))) : null,
    cpuPerEventRatio: round2(median(pick("cpuPerEventRatio"))),
    memoryPerLearnerRatio: round2(median(pick("memoryPerLearnerRatio"))),
    labAckP99Ms: pinned ? round2(median(rounds.map((r) => r.lab.ackRoundTripMs.p99))) : null,
    plainAckP99Ms: pinned ? round2(median(rounds.map((r) => r.plain.ackRoundTripMs.p99))) : null,
    labAckP50Ms: round2(median(rounds.map((r) => r.lab.ackRoundTripMs.p50))),
    labRssMB: round2(median(rounds.map((r) => r.lab.serverRssMB))),
    failedSends: rounds.reduce((sum, r) => sum + r.lab.failures + r.plain.failures, 0),
    loadGeneratorCpuMaxPercent: round2(generatorMax),
    loadGeneratorBound: generatorMax > 70,
    spread: {
      ackP50Ratio: spread(pick("ackP50Ratio")),
      ackP99Ratio: pinned ? spread(pick("ackP99Ratio")) : null,
      cpuPerEventRatio: spread(pick("cpuPerEventRatio")),
      memoryPerLearnerRatio: spread(pick("memoryPerLearnerRatio")),
    },
  };
}

const result = {
  at: new Date().toISOString(),
  compared: { first: A, second: B },
  node: process.version,
  client: CLIENT,
  pinned,
  ...(pinned ? { cpus: { server: SERVER_CPU, loadGenerator: GENERATOR_CPU } } : { notPinnedBecause: unpinnable }),
  seconds: SECONDS,
  warmupSeconds: WARMUP,
  roundsPerCount: ROUNDS,
  workers: WORKERS,
  summary,
  runs,
};

const fmt = (pair) => (pair ? `${pair[0]}–${pair[1]}` : "–");
const lines = [
  `Load: learners × 3 clients, one acked room send per client per second, ${SECONDS} s per run after ${WARMUP} s of the same load, ${SANDBOX ? "sandboxed learner code and the lab's native handlers" : "lab and plain Socket.IO"} in alternation, ${ROUNDS} rounds each, clients: ${CLIENT}, ${process.version}, ` +
    (pinned
      ? `server pinned to CPU ${SERVER_CPU}, load generator to CPU ${GENERATOR_CPU}; garbage collection: ${[...new Set(runs.map((r) => `${r.kind} ${r.gc}`))].join(", ")}.`
      : `NOT pinned (${unpinnable}): no p99 claimed.`),
  "",
  `| learners | ack p99 ${A}/${B} (median, spread) | ${A} ack p99 (ms) | ${B} ack p99 (ms) | CPU per event ${A}/${B} | memory per learner ${A}/${B} | ack p50 ${A}/${B} | ${A} RSS (MB) | failed sends | generator CPU max |`,
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ...Object.entries(summary).map(
    ([n, s]) =>
      `| ${n} | ${s.ackP99Ratio === null ? "not claimed" : `×${s.ackP99Ratio} (${fmt(s.spread.ackP99Ratio)})`} | ${s.labAckP99Ms ?? "–"} | ${s.plainAckP99Ms ?? "–"} | ×${s.cpuPerEventRatio} (${fmt(s.spread.cpuPerEventRatio)}) | ×${s.memoryPerLearnerRatio} (${fmt(s.spread.memoryPerLearnerRatio)}) | ×${s.ackP50Ratio} (${fmt(s.spread.ackP50Ratio)}) | ${s.labRssMB} | ${s.failedSends} | ${s.loadGeneratorCpuMaxPercent} %${s.loadGeneratorBound ? " (over 70 %: the generator may shape the tail)" : ""} |`,
  ),
  "",
  `Each round, ${A} then ${B}:`,
  "",
  "| learners | round | server | ack p50 / p99 / max (ms) | events/s | server CPU (%) | CPU ms per 1,000 events | RSS (MB) | memory per learner (KB) | generator CPU (%) | failed sends |",
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ...runs.map(
    (r) =>
      `| ${r.learners} | ${r.round} | ${r.kind} | ${r.ackRoundTripMs.p50} / ${pinned ? r.ackRoundTripMs.p99 : "–"} / ${pinned ? r.ackRoundTripMs.max : "–"} | ${r.eventsPerSecond} | ${r.serverCpuPercent} | ${r.serverCpuMsPerThousandEvents} | ${r.serverRssMB} | ${r.memoryPerLearnerKB} | ${r.loadGeneratorCpuPercent} | ${r.failures} |`,
  ),
];
mkdirSync("bench/results", { recursive: true });
writeFileSync(`${OUT}.json`, `${JSON.stringify(result, null, 1)}\n`);
writeFileSync(`${OUT}.md`, `${lines.join("\n")}\n`);
console.log(lines.join("\n"));
