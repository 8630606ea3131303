// What one client event costs inside the sandbox, with nothing else running: the Broadcast & rooms lesson's
// own server.ts as learner code, one acked `send` (socket.to(room), a log line, the ack) dispatched into it
// again and again, the host's side answered at once. It leaves out Socket.IO, the network and the lab, so it
// moves only with the sandbox (QuickJS, the runtime inside it, the glue in quickjs-vm.ts), and it repeats
// to a few percent where the load benchmark's sandboxed/native ratio spreads widely ([8/8]).
//   npm run bench:sandbox-dispatch -- [instances=500] [events=20000] [rounds=5]
// Events go round-robin over `instances` sandboxes, as a host's labs take turns: each instance's memory is
// then cold in the CPU's caches when its turn comes, as under load (one instance alone costs about half).
// It builds what it needs from src/ with esbuild (no `npm run build`) and pins itself to CPU 1.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const [instancesArg = "500", eventsArg = "20000", roundsArg = "5"] = process.argv.slice(2);
const INSTANCES = Number(instancesArg);
const EVENTS = Number(eventsArg);
const ROUNDS = Number(roundsArg);
if (![INSTANCES, EVENTS, ROUNDS].every((n) => Number.isInteger(n) && n > 0)) {
  console.error("usage: node bench/sandbox-dispatch.mjs [instances=500] [events=20000] [rounds=5]");
  process.exit(2);
}
const pinned = spawnSync("taskset", ["-a", "-p", "-c", "1", String(process.pid)], { encoding: "utf8" }).status === 0;

// The sandbox's modules as one ES module beside node_modules, so that its packages resolve.
const out = join(".cache", "bench", "sandbox-dispatch.mjs");
mkdirSync(join(".cache", "bench"), { recursive: true });
await build({
  stdin: {
    contents: `export { compileServerCode } from "./src/server/sandbox/compile.ts";\nexport { QuickJsVm } from "./src/server/sandbox/quickjs-vm.ts";`,
    resolveDir: process.cwd(),
    loader: "ts",
  },
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  outfile: out,
  logLevel: "warning",
});
const { compileServerCode, QuickJsVm } = await import(join(process.cwd(), out));

const LESSON = "src/lessons/rooms";
const compiled = await compileServerCode(readFileSync(`${LESSON}/server.ts`, "utf8"), join(process.cwd(), LESSON));
if (!compiled.ok) throw new Error(`the lesson's server.ts did not compile: ${JSON.stringify(compiled.errors)}`);

let batches = 0;
/** The host's side, answered at once: a batch of emits, log lines and acks is taken and dropped. */
function host(op) {
  if (op === "batch") {
    batches += 1;
    return { json: "{}" };
  }
  if (op === "context") return { json: JSON.stringify({ v: { settings: [], node: null } }) };
  return { json: JSON.stringify({ v: null }) };
}

const CLIENTS = ["Alice", "Bob", "Carol"];
const socketId = (n) => `bench-socket-${String(n).padStart(7, "0")}`;
const limits = { memoryBytes: 32 * 2 ** 20, callMs: 60_000, cpuMsPerSecond: 1e9 };
const sandboxes = [];
for (let k = 0; k < INSTANCES; k += 1) {
  const vm = await QuickJsVm.create(limits, host, (hit) => {
    throw new Error(`a sandbox was stopped: ${hit.message}`);
  });
  const loaded = vm.load(compiled.code.js, "server.js");
  if (!loaded.ok) throw new Error(`the lesson's code did not load: ${loaded.error.message}`);
  vm.dispatch(["start"]);
  CLIENTS.forEach((client, c) => {
    const id = socketId(c);
    const handshake = { auth: {}, query: { client }, time: "", issued: 0, address: "127.0.0.1", secure: false, xdomain: false, url: "/" };
    vm.dispatch(["connection", { id, handshake, data: {}, rooms: [id] }]);
  });
  sandboxes.push(vm);
}

const cpuMs = () => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
};
let run = 0;
/** µs of this thread's CPU per event over `n` events. */
function round(n) {
  const before = batches;
  const started = cpuMs();
  for (let i = 0; i < n; i += 1) {
    run += 1;
    const plan = { target: "socket.to(room)", room: "room-1", run };
    sandboxes[Math.floor(i / CLIENTS.length) % INSTANCES].dispatch(["event", socketId(i % CLIENTS.length), "send", [plan], run, 0]);
  }
  const us = ((cpuMs() - started) * 1000) / n;
  // Each event must have reached the handler and come back with its calls, or the figure means nothing.
  if (batches - before !== n) throw new Error(`${n} events gave ${batches - before} batches of calls`);
  return us;
}

round(Math.min(EVENTS, 5000)); // warm-up: QuickJS's and V8's first runs
const figures = Array.from({ length: ROUNDS }, () => round(EVENTS)).sort((a, b) => a - b);
for (const vm of sandboxes) vm.dispose();
const median = figures[Math.floor(figures.length / 2)];
console.log(
  JSON.stringify({
    instances: INSTANCES,
    events: EVENTS,
    pinned,
    usPerEvent: Math.round(median * 100) / 100,
    rounds: figures.map((us) => Math.round(us * 100) / 100),
    node: process.version,
  }),
);
