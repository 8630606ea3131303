// Sandbox benchmark: what running learner server code in QuickJS (WebAssembly) costs on the lab's real
// Socket.IO server, always against a baseline measured in the same run.
//   npm run build && npm run bench:sandbox -- [labs=100] [seconds=15] [rounds=3]
// 1. Per-event cost: LABS labs of the Broadcast & rooms lesson × 3 socket.io-client clients, each client
//    sending one acked `send` (socket.to(room): the two others receive `news`) per second. "native" runs
//    the lesson's own handlers; "sandboxed" PUTs the lesson's own src/lessons/rooms/server.ts as learner
//    code, so the behaviour is identical and only the sandbox differs. Rounds alternate native, sandboxed,
//    … on a fresh host each; the figure is the median of the per-round ratios, with their spread.
// 2. Memory per lab: RSS growth for K labs without learner code, then after PUTting the code on them.
// 3. Labs in 1 GB: extrapolated from (2), then confirmed by adding labs with learner code until RSS ≈ 1 GB
//    (bounded by a count cap and a time cap).
// 4. "Run on my lab" to reconnected: one lab, 3 clients with reconnection on; time from sending the PUT
//    until all 3 are connected again, 20 times, with the page's client options and with a zero backoff.
// The host (node dist/host/start.mjs) is pinned to CPU 0, this process (the load) to CPU 1.
// e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the host in part 1.
// Writes bench/results/sandbox-<date>.json.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { io } from "socket.io-client";
import { freePort } from "../scripts/production-server.mjs";

const [labsArg = "100", secondsArg = "15", roundsArg = "3"] = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const LABS = Number(labsArg);
const SECONDS = Number(secondsArg);
const ROUNDS = Number(roundsArg);
// BENCH_SANDBOX_QUICK=1: a smoke test of the script itself, with figures too small to mean anything.
const QUICK = process.env.BENCH_SANDBOX_QUICK === "1";
const MEMORY_LABS = QUICK ? 10 : 50; // K of part 2
const FIT_TARGET_BYTES = 1024 ** 3; // part 3 stops at 1 GiB RSS …
const FIT_MAX_LABS = QUICK ? 40 : 1500; // … or this many labs with learner code …
const FIT_MAX_MS = 60_000; // … or after this long
const RECONNECT_REPEATS = QUICK ? 3 : 20;
const SERVER_CPU = "0";
const LOAD_CPU = "1";
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
const CLIENTS = ["Alice", "Bob", "Carol"];
const TICK = 100; // clock ticks per second on Linux
const LESSON = "rooms";
const LESSON_CODE = readFileSync(`src/lessons/${LESSON}/server.ts`, "utf8");
// The limits the bench raises, so that its labs fit; everything else stays at its default.
// The sandbox's "CPU" limits are measured in wall-clock time (quickjs-vm.ts: Date.now() deadline and
// performance.now() per call), host work done for the code (a real emit) included. On a busy host a
// descheduled call passes 50 ms and correct code is stopped, its lab restarted with the lesson's code and
// its clients disconnected, so part 1 raises them too unless --default-sandbox-limits; each round reports
// how many labs had their code stopped and how many clients were disconnected.
const DEFAULT_SANDBOX_LIMITS = process.argv.includes("--default-sandbox-limits");
const SERVER_ENV = {
  PLAYGROUND_MAX_LABS: "10000",
  PLAYGROUND_SANDBOX_MAX_LABS: "10000",
  ...(!DEFAULT_SANDBOX_LIMITS && { PLAYGROUND_SANDBOX_CALL_MS: "2000", PLAYGROUND_SANDBOX_CPU_MS_PER_SECOND: "1000" }),
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round2 = (value) => (value === null || value === undefined || Number.isNaN(value) ? null : Math.round(value * 100) / 100);
const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
    true,
  );
function percentile(sorted, p, interpolate = false) {
  if (sorted.length === 0) return null;
  if (interpolate) {
    const at = (p / 100) * (sorted.length - 1);
    const low = Math.floor(at);
    return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// Pin the load generator (every thread of this process) to its CPU before anything starts.
const pinned = spawnSync("taskset", ["-a", "-p", "-c", LOAD_CPU, String(process.pid)], { encoding: "utf8" });
if (pinned.status !== 0) throw new Error(`taskset could not pin the bench to CPU ${LOAD_CPU}: ${pinned.stderr}`);

/**
 * CPU seconds (utime + stime) and RSS bytes of a process, from /proc; and `waited`, the seconds its main
 * thread spent runnable but waiting for a CPU (schedstat's run delay): other processes on its CPU.
 */
function usage(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  } catch {
    throw new Error(`the host (pid ${pid}) is gone: ${hostExits.get(pid) ?? "no exit seen yet"}`);
  }
  const cpu = (Number(stat[11]) + Number(stat[12])) / TICK;
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) * 1024;
  const waited = Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[1]) / 1e9;
  return { cpu, rss, waited };
}
const hostExits = new Map();
const loadAverage = () => Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);

/** The production host, pinned to SERVER_CPU from its first instruction (taskset execs node: same pid). */
async function startHost(nodeArgs = []) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn("taskset", ["-c", SERVER_CPU, process.execPath, ...nodeArgs, "dist/host/start.mjs"], {
    env: { ...process.env, ...SERVER_ENV, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  child.once("exit", (code, signal) => {
    hostExits.set(child.pid, `exited with code ${code}, signal ${signal}`);
    if (!stopping) console.error(`  !! the host (pid ${child.pid}) exited by itself: code ${code}, signal ${signal}`);
  });
  let stopping = false;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    stopping = true;
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the host exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${origin}/api/health`)).ok) {
        const affinity = spawnSync("taskset", ["-p", String(child.pid)], { encoding: "utf8" }).stdout.trim();
        return { origin, pid: child.pid, stop, affinity };
      }
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`the host did not answer ${origin}/api/health in time`);
}

let learnerSeq = 0;
async function createLab(origin, lesson = LESSON) {
  learnerSeq += 1;
  const learner = `bench-sandbox-${process.pid}-${learnerSeq.toString().padStart(8, "0")}`;
  const response = await fetch(`${origin}/api/labs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ lesson, learner }),
  });
  if (!response.ok) throw new Error(`POST /api/labs answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function putCode(origin, lab, code = LESSON_CODE) {
  const response = await fetch(`${origin}/api/labs/${lab.id}/server-code`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
  const body = await response.json();
  if (response.status !== 200 || body.serverCode !== "learner") {
    throw new Error(`PUT server-code answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
  return body;
}

/** Runs `task` over `items`, `width` at a time. */
async function inBatches(items, width, task) {
  const results = [];
  for (let start = 0; start < items.length; start += width) {
    results.push(...(await Promise.all(items.slice(start, start + width).map((item, offset) => task(item, start + offset)))));
  }
  return results;
}

function connect(origin, path, name, options = {}) {
  const socket = io(origin, { path, forceNew: true, transports: ["websocket"], query: { client: name }, reconnection: false, ...options });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

/** The messages of a lab's server log so far: its event stream replays everything, read for half a second. */
async function logMessages(origin, lab) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 500);
  let text = "";
  try {
    const response = await fetch(`${origin}/api/labs/${lab.id}/log`, { signal: controller.signal });
    const decoder = new TextDecoder();
    for await (const chunk of response.body) text += decoder.decode(chunk, { stream: true });
  } catch {
    // Aborted: what arrived is the replay.
  } finally {
    clearTimeout(timer);
  }
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => {
      try {
        return String(JSON.parse(line.slice(6)).message ?? "");
      } catch {
        return "";
      }
    });
}

// ---------------------------------------------------------------------------------------------------
// 1. Per-event cost
// ---------------------------------------------------------------------------------------------------
async function loadRound(kind, nodeArgs = []) {
  const host = await startHost(nodeArgs);
  try {
    await sleep(300);
    const labs = await inBatches(
      Array.from({ length: LABS }, (_, i) => i),
      10,
      async () => {
        const lab = await createLab(host.origin);
        if (kind === "sandboxed") await putCode(host.origin, lab);
        return lab;
      },
    );
    const sockets = [];
    await inBatches(labs, 20, async (lab, index) => {
      await Promise.all(
        CLIENTS.map(async (name) => {
          const socket = await connect(host.origin, lab.path, name);
          const room = `room-${index}`;
          const joined = await socket.timeout(10_000).emitWithAck("join", room);
          if (!Array.isArray(joined)) throw new Error(`join refused: ${JSON.stringify(joined)}`);
          sockets.push({ socket, room });
        }),
      );
    });
    let news = 0;
    let disconnects = 0;
    const disconnectReasons = {};
    for (const { socket } of sockets) {
      socket.on("news", () => (news += 1));
      socket.on("disconnect", (reason) => {
        disconnects += 1;
        disconnectReasons[reason] = (disconnectReasons[reason] ?? 0) + 1;
      });
    }
    let measuring = false;
    let running = true;
    const rtts = [];
    let acks = 0;
    let failures = 0;
    let errors = 0;
    const WARMUP_MS = 3000;
    const loop = Promise.all(
      sockets.map(async ({ socket, room }, index) => {
        await sleep((index * 1000) / sockets.length); // spread the sends over each second
        while (running) {
          const sent = performance.now();
          const counted = measuring;
          try {
            const reply = await socket.timeout(5000).emitWithAck("send", { target: "socket.to(room)", room, run: "bench" });
            if (reply?.error) errors += 1;
            if (counted && measuring) {
              rtts.push(performance.now() - sent);
              acks += 1;
            }
          } catch {
            if (counted) failures += 1;
          }
          await sleep(Math.max(0, 1000 - (performance.now() - sent)));
        }
      }),
    );
    await sleep(WARMUP_MS);
    const newsBefore = news;
    const start = usage(host.pid);
    const loadStart = process.cpuUsage();
    const loadAverageStart = loadAverage();
    const began = performance.now();
    measuring = true;
    await sleep(SECONDS * 1000);
    measuring = false;
    const end = usage(host.pid);
    const wall = (performance.now() - began) / 1000;
    const loadCpu = process.cpuUsage(loadStart);
    const delivered = news - newsBefore;
    running = false;
    await loop;
    const disconnected = disconnects;
    const reasonsDuringRun = { ...disconnectReasons };
    for (const { socket } of sockets) socket.disconnect();
    // Labs whose learner code a limit stopped: they went back to the lesson's code.
    const stoppedLabs =
      kind === "sandboxed"
        ? (
            await inBatches(labs, 20, async (lab) =>
              (await (await fetch(`${host.origin}/api/labs/${lab.id}`)).json()).serverCode !== "learner" ? lab : undefined,
            )
          ).filter(Boolean)
        : [];
    const stopped = stoppedLabs.length;
    // Why, in the words of the lab's server log, for the first few of them.
    const stopMessages = {};
    for (const lab of stoppedLabs.slice(0, 5)) {
      for (const message of await logMessages(host.origin, lab)) {
        if (!message.startsWith("Your server code was stopped")) continue;
        const key = message.replace(/\(.*$/s, "").slice(0, 160);
        stopMessages[key] = (stopMessages[key] ?? 0) + 1;
      }
    }
    rtts.sort((a, b) => a - b);
    // An event is a send, its ack, or one delivery of `news` (two per send here), as in bench/load.mjs.
    const events = acks * 2 + delivered;
    const cpuSeconds = end.cpu - start.cpu;
    return {
      kind,
      labs: LABS,
      clients: sockets.length,
      seconds: round2(wall),
      sendsPerSecond: round2(acks / wall),
      eventsPerSecond: round2(events / wall),
      failures,
      errorReplies: errors,
      clientsDisconnected: disconnected,
      disconnectReasons: reasonsDuringRun,
      hostWaitedForCpuPercent: round2(((end.waited - start.waited) / wall) * 100),
      machineLoadAverage: { start: loadAverageStart, end: loadAverage() },
      labsWhoseCodeWasStopped: stopped,
      stopMessages,
      serverCpuPercent: round2((cpuSeconds / wall) * 100),
      serverCpuMicrosPerEvent: round2((cpuSeconds * 1e6) / events),
      serverCpuMicrosPerSend: round2((cpuSeconds * 1e6) / acks),
      ackMs: { p50: round2(percentile(rtts, 50)), p99: round2(percentile(rtts, 99)), max: round2(rtts.at(-1) ?? null) },
      serverRssMB: round2(end.rss / 1e6),
      loadGeneratorCpuPercent: round2(((loadCpu.user + loadCpu.system) / 1e6 / wall) * 100),
    };
  } finally {
    await host.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// 4. "Run on my lab" to clients reconnected
// ---------------------------------------------------------------------------------------------------
async function reconnectTimes(origin, clientOptions, label) {
  const lab = await createLab(origin);
  const clients = await Promise.all(
    CLIENTS.map(async (name) => {
      // What the page makes (src/client/virtual-client.ts): its own Manager, reconnection at its defaults.
      const socket = await connect(origin, lab.path, name, { reconnection: true, ...clientOptions });
      return socket;
    }),
  );
  const reasons = {};
  const samples = [];
  const putMs = [];
  let manualReconnects = 0;
  for (let repeat = 0; repeat < RECONNECT_REPEATS; repeat += 1) {
    const began = performance.now();
    const reconnected = Promise.all(
      clients.map(
        (socket) =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`${label}: a client did not reconnect within 15 s`)), 15_000);
            socket.once("disconnect", (reason) => {
              reasons[reason] = (reasons[reason] ?? 0) + 1;
              // The server ended the socket on purpose: socket.io-client does not come back by itself, and
              // the page shows its Reconnect button (client-panel-view.ts). The bench presses it at once.
              if (reason === "io server disconnect") {
                manualReconnects += 1;
                socket.connect();
              }
              socket.once("connect", () => {
                clearTimeout(timer);
                resolve(performance.now() - began);
              });
            });
          }),
      ),
    );
    await putCode(origin, lab);
    putMs.push(performance.now() - began);
    const times = await reconnected;
    samples.push(Math.max(...times));
    await sleep(300);
  }
  // Each reconnected client still talks to the server: one acked round trip.
  const sync = await Promise.all(
    clients.map((socket) =>
      socket
        .timeout(2000)
        .emitWithAck("sync")
        .then(
          () => true,
          () => false,
        ),
    ),
  );
  for (const socket of clients) socket.disconnect();
  const sorted = [...samples].sort((a, b) => a - b);
  const putSorted = [...putMs].sort((a, b) => a - b);
  return {
    label,
    clientOptions,
    repeats: samples.length,
    allReconnectedMs: { p50: round2(percentile(sorted, 50)), p95: round2(percentile(sorted, 95)), max: round2(sorted.at(-1)) },
    putAnsweredMs: { p50: round2(percentile(putSorted, 50)), p95: round2(percentile(putSorted, 95)) },
    disconnectReasons: reasons,
    manualReconnects,
    clientsAnsweringAfter: sync.filter(Boolean).length,
  };
}

// ---------------------------------------------------------------------------------------------------
// 2 and 3. Memory per lab, and labs in 1 GB
// ---------------------------------------------------------------------------------------------------
async function settle(pid) {
  await sleep(1500);
  return usage(pid).rss;
}

async function memoryAndFit(host) {
  const idle = await settle(host.pid);
  const labs = await inBatches(
    Array.from({ length: MEMORY_LABS }, () => 0),
    10,
    () => createLab(host.origin),
  );
  const withoutCode = await settle(host.pid);
  await inBatches(labs, 5, (lab) => putCode(host.origin, lab));
  const withCode = await settle(host.pid);
  const perLabWithout = (withoutCode - idle) / MEMORY_LABS;
  const perLabWith = (withCode - idle) / MEMORY_LABS;
  const perLabSandboxExtra = (withCode - withoutCode) / MEMORY_LABS;
  const extrapolated = Math.floor((FIT_TARGET_BYTES - idle) / perLabWith);

  // Confirm: more labs with learner code, until RSS reaches the target, the count cap or the time cap.
  const began = performance.now();
  let count = MEMORY_LABS;
  let rss = withCode;
  let stoppedBy = "count cap";
  let refused;
  const trace = [{ labs: count, rssMB: round2(rss / 1e6) }];
  while (count < FIT_MAX_LABS) {
    if (rss >= FIT_TARGET_BYTES) {
      stoppedBy = "1 GiB RSS";
      break;
    }
    if (performance.now() - began > FIT_MAX_MS) {
      stoppedBy = "time cap";
      break;
    }
    try {
      await inBatches(
        Array.from({ length: 10 }, () => 0),
        5,
        async () => putCode(host.origin, await createLab(host.origin)),
      );
    } catch (error) {
      refused = String(error.message ?? error).slice(0, 200);
      stoppedBy = "refused";
      break;
    }
    count += 10;
    rss = usage(host.pid).rss;
    if (count % 50 === 0) trace.push({ labs: count, rssMB: round2(rss / 1e6) });
  }
  rss = await settle(host.pid);
  trace.push({ labs: count, rssMB: round2(rss / 1e6), settled: true });
  const slope = (rss - idle) / count;
  return {
    memory: {
      labs: MEMORY_LABS,
      idleRssMB: round2(idle / 1e6),
      rssWithoutCodeMB: round2(withoutCode / 1e6),
      rssWithCodeMB: round2(withCode / 1e6),
      perLabWithoutCodeKB: round2(perLabWithout / 1024),
      perLabWithCodeKB: round2(perLabWith / 1024),
      perLabSandboxExtraKB: round2(perLabSandboxExtra / 1024),
    },
    fit: {
      targetMB: round2(FIT_TARGET_BYTES / 1e6),
      extrapolatedLabs: extrapolated,
      confirmed: {
        labsWithCode: count,
        rssMB: round2(rss / 1e6),
        stoppedBy,
        refused,
        seconds: round2((performance.now() - began) / 1000),
        perLabKB: round2(slope / 1024),
        labsIn1GiBAtThisSlope: Math.floor((FIT_TARGET_BYTES - idle) / slope),
        trace,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------
const startedAt = new Date();
const command = `npm run bench:sandbox -- ${LABS} ${SECONDS} ${ROUNDS}${DEFAULT_SANDBOX_LIMITS ? " --default-sandbox-limits" : ""}`;
console.log(`${command}   (node ${process.version}, ${cpus().length} CPUs, host on CPU ${SERVER_CPU}, load on CPU ${LOAD_CPU})`);
console.log(
  `host env: ${Object.entries(SERVER_ENV)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ")}`,
);

const rounds = [];
for (let r = 0; r < ROUNDS; r += 1) {
  for (const kind of ["native", "sandboxed"]) {
    const result = await loadRound(kind, kind === "sandboxed" ? SERVER_NODE_ARGS : []);
    console.log(
      `  round ${r + 1} ${kind.padEnd(9)} ${result.serverCpuMicrosPerEvent} µs CPU/event, ${result.serverCpuPercent}% CPU, ` +
        `ack p50 ${result.ackMs.p50} / p99 ${result.ackMs.p99} ms, RSS ${result.serverRssMB} MB, ${result.eventsPerSecond} ev/s, ` +
        `failures ${result.failures}, disconnects ${result.clientsDisconnected}, code stopped on ${result.labsWhoseCodeWasStopped} labs, load CPU ${result.loadGeneratorCpuPercent}%, ` +
        `host waited for CPU ${result.hostWaitedForCpuPercent}%, loadavg ${result.machineLoadAverage.start}→${result.machineLoadAverage.end}` +
        (result.clientsDisconnected > 0 ? `\n    disconnect reasons: ${JSON.stringify(result.disconnectReasons)}` : "") +
        (result.labsWhoseCodeWasStopped > 0 ? `\n    why: ${JSON.stringify(result.stopMessages)}` : ""),
    );
    rounds.push({ round: r + 1, ...result });
  }
}
const ratioStats = (pick) => {
  const ratios = [];
  for (let r = 1; r <= ROUNDS; r += 1) {
    const native = rounds.find((x) => x.round === r && x.kind === "native");
    const sandboxed = rounds.find((x) => x.round === r && x.kind === "sandboxed");
    ratios.push(pick(sandboxed) / pick(native));
  }
  return {
    median: round2(median(ratios)),
    min: round2(Math.min(...ratios)),
    max: round2(Math.max(...ratios)),
    perRound: ratios.map(round2),
  };
};
const medianOf = (kind, pick) => round2(median(rounds.filter((x) => x.kind === kind).map(pick)));
const perEvent = {
  load: `${LABS} labs of "${LESSON}" × 3 socket.io-client clients (websocket), one acked send (socket.to(room)) per client per second, ${SECONDS} s measured after 3 s warm-up`,
  rounds,
  median: Object.fromEntries(
    ["native", "sandboxed"].map((kind) => [
      kind,
      {
        serverCpuMicrosPerEvent: medianOf(kind, (x) => x.serverCpuMicrosPerEvent),
        ackP50Ms: medianOf(kind, (x) => x.ackMs.p50),
        ackP99Ms: medianOf(kind, (x) => x.ackMs.p99),
        serverRssMB: medianOf(kind, (x) => x.serverRssMB),
      },
    ]),
  ),
  ratios: {
    cpuPerEvent: ratioStats((x) => x.serverCpuMicrosPerEvent),
    ackP50: ratioStats((x) => x.ackMs.p50),
    ackP99: ratioStats((x) => x.ackMs.p99),
    rss: ratioStats((x) => x.serverRssMB),
  },
};

const host = await startHost();
let reconnect;
let memoryFit;
try {
  reconnect = [
    await reconnectTimes(host.origin, {}, "page defaults (reconnectionDelay 1000, randomizationFactor 0.5)"),
    await reconnectTimes(
      host.origin,
      { reconnectionDelay: 1, reconnectionDelayMax: 1, randomizationFactor: 0 },
      "zero backoff (server side only)",
    ),
  ];
  for (const r of reconnect) {
    console.log(
      `  reconnect, ${r.label}: p50 ${r.allReconnectedMs.p50} ms, p95 ${r.allReconnectedMs.p95} ms, reasons ${JSON.stringify(r.disconnectReasons)}`,
    );
  }
  memoryFit = await memoryAndFit(host);
  console.log(`  memory: ${JSON.stringify(memoryFit.memory)}`);
  console.log(`  fit: ${JSON.stringify({ ...memoryFit.fit.confirmed, trace: undefined })}`);
} finally {
  await host.stop();
}

const result = {
  at: startedAt.toISOString(),
  command,
  node: process.version,
  cpus: cpus().length,
  pinning: {
    host: `taskset -c ${SERVER_CPU} node dist/host/start.mjs`,
    load: `taskset -a -p -c ${LOAD_CPU} <bench pid>`,
    hostAffinity: host.affinity,
  },
  hostEnv: SERVER_ENV,
  serverNodeArgs: SERVER_NODE_ARGS,
  perEvent,
  reconnect,
  ...memoryFit,
};
const day = startedAt.toISOString().slice(0, 10);
mkdirSync("bench/results", { recursive: true });
const file = `bench/results/sandbox-${day}${DEFAULT_SANDBOX_LIMITS ? "-default-limits" : ""}${QUICK ? "-quick" : ""}.json`;
writeFileSync(file, `${JSON.stringify(result, null, 1)}\n`);

const m = perEvent.median;
const q = perEvent.ratios;
const sum = (kind) => {
  const of = rounds.filter((x) => x.kind === kind);
  const total = (pick) => of.reduce((acc, x) => acc + pick(x), 0);
  return `${total((x) => x.failures)} / ${total((x) => x.clientsDisconnected)} / ${total((x) => x.labsWhoseCodeWasStopped)}`;
};
const spread = (s) => `×${s.median} (${s.min}–${s.max})`;
const lines = [
  "",
  `Command: ${command}`,
  `Pinning: host \`taskset -c ${SERVER_CPU}\` (${host.affinity}), load generator \`taskset -a -p -c ${LOAD_CPU}\` (this process). Host env: ${Object.entries(
    SERVER_ENV,
  )
    .map(([k, v]) => `${k}=${v}`)
    .join(", ")}; other limits at their defaults.`,
  "",
  `1. Per-event cost: ${perEvent.load}; ${ROUNDS} rounds, alternated, fresh host each.`,
  "| measure | native (median) | sandboxed (median) | sandboxed/native, median of per-round ratios (min–max) |",
  "| --- | --- | --- | --- |",
  `| server CPU per event (µs) | ${m.native.serverCpuMicrosPerEvent} | ${m.sandboxed.serverCpuMicrosPerEvent} | ${spread(q.cpuPerEvent)} |`,
  `| ack p50 (ms) | ${m.native.ackP50Ms} | ${m.sandboxed.ackP50Ms} | ${spread(q.ackP50)} |`,
  `| ack p99 (ms) | ${m.native.ackP99Ms} | ${m.sandboxed.ackP99Ms} | ${spread(q.ackP99)} |`,
  `| server RSS at end (MB) | ${m.native.serverRssMB} | ${m.sandboxed.serverRssMB} | ${spread(q.rss)} |`,
  `| failed sends / client disconnects / labs whose code was stopped (all rounds) | ${sum("native")} | ${sum("sandboxed")} | |`,
  "",
  `2. Memory per lab (${MEMORY_LABS} labs, no clients): ${memoryFit.memory.perLabWithoutCodeKB} KB without learner code, ${memoryFit.memory.perLabWithCodeKB} KB with it (+${memoryFit.memory.perLabSandboxExtraKB} KB for the sandbox); idle host ${memoryFit.memory.idleRssMB} MB.`,
  `3. Labs with learner code in 1 GiB RSS: ${memoryFit.fit.extrapolatedLabs} extrapolated from (2); confirmed run: ${memoryFit.fit.confirmed.labsWithCode} labs at ${memoryFit.fit.confirmed.rssMB} MB (stopped by ${memoryFit.fit.confirmed.stoppedBy}), ${memoryFit.fit.confirmed.perLabKB} KB/lab → ${memoryFit.fit.confirmed.labsIn1GiBAtThisSlope} labs in 1 GiB.`,
  "",
  `4. PUT server-code → all 3 clients reconnected, ${RECONNECT_REPEATS} runs:`,
  "| client options | p50 (ms) | p95 (ms) | max (ms) | PUT answered p50 (ms) | disconnect reasons |",
  "| --- | --- | --- | --- | --- | --- |",
  ...reconnect.map(
    (r) =>
      `| ${r.label} | ${r.allReconnectedMs.p50} | ${r.allReconnectedMs.p95} | ${r.allReconnectedMs.max} | ${r.putAnsweredMs.p50} | ${Object.entries(
        r.disconnectReasons,
      )
        .map(([k, v]) => `${k} ×${v}`)
        .join(", ")} |`,
  ),
  "",
  `Wrote ${file}`,
];
console.log(lines.join("\n"));
