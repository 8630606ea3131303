// The live JS heap one learner's lab and one client cost, lab layer against plain Socket.IO ([8/8]). The
// lab's ack tail at 2,000 learners is its full collections, and how often they come and how long marking
// takes grow with the live heap (bench/results/load-2026-12-02-gc.md), so this is the figure a change to
// the lab's per-client objects is judged by. Unlike a latency it does not depend on the machine's speed:
// the same build gives the same bytes on a quiet or a busy machine.
//   npm run build && node bench/heap-per-client.mjs [learners=500]
// For each server it takes three heap snapshots (V8 collects before each, so they hold only live objects):
// before any lab, once every learner has a lab of the Broadcast & rooms lesson, and once each learner's
// three clients (bench/wire-client.mjs) have joined its room. Bytes outside the JS heap (ArrayBuffer
// backing stores, "native") are left out: marking never visits them. The snapshots are deleted afterwards.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "./load/servers.mjs";
import { WireClient } from "./wire-client.mjs";

const LEARNERS = Number(process.argv[2] ?? 500);
const CLIENTS = ["Alice", "Bob", "Carol"];
if (!Number.isInteger(LEARNERS) || LEARNERS < 1) {
  console.error("usage: node bench/heap-per-client.mjs [learners=500]");
  process.exit(2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const addressOf = (n) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/** Bytes of the JS heap in one snapshot: every node's self size but the native ones. */
function jsHeapBytes(file) {
  const snapshot = JSON.parse(readFileSync(file, "utf8"));
  const { node_fields: fields, node_types: nodeTypes } = snapshot.snapshot.meta;
  const typeAt = fields.indexOf("type");
  const sizeAt = fields.indexOf("self_size");
  const native = nodeTypes[0].indexOf("native");
  let bytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length)
    if (snapshot.nodes[i + typeAt] !== native) bytes += snapshot.nodes[i + sizeAt];
  return bytes;
}

/** Asks the server for a heap snapshot and waits until its file is written whole. */
async function snapshot(pid, dir) {
  const before = new Set(readdirSync(dir));
  process.kill(pid, "SIGUSR2");
  for (;;) {
    await sleep(500);
    const file = readdirSync(dir).find((name) => !before.has(name));
    if (!file) continue;
    let size = -1;
    for (;;) {
      const now = statSync(join(dir, file)).size;
      if (now > 0 && now === size) return join(dir, file);
      size = now;
      await sleep(1500);
    }
  }
}

/** Runs `task` for every learner, twenty at a time, as bench/load.mjs's learners arrive. */
async function eachLearner(task) {
  for (let start = 0; start < LEARNERS; start += 20)
    await Promise.all(Array.from({ length: Math.min(20, LEARNERS - start) }, (_, offset) => task(start + offset)));
}

async function measure(kind) {
  const dir = mkdtempSync(join(tmpdir(), `heap-${kind}-`));
  const server = await startServer(kind, { learners: LEARNERS, nodeArgs: ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${dir}`] });
  const clients = [];
  try {
    const empty = jsHeapBytes(await snapshot(server.pid, dir));
    const paths = [];
    await eachLearner(async (n) => {
      if (kind === "plain") return void (paths[n] = "/socket.io");
      const response = await fetch(`${server.origin}/api/labs`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": addressOf(n) },
        body: JSON.stringify({ lesson: "rooms", learner: `bench-learner-${n.toString().padStart(8, "0")}` }),
      });
      if (!response.ok) throw new Error(`POST /api/labs answered ${response.status}: ${await response.text()}`);
      paths[n] = (await response.json()).path;
    });
    const labs = jsHeapBytes(await snapshot(server.pid, dir));
    await eachLearner(async (n) => {
      for (const name of CLIENTS) {
        const client = await WireClient.connect(server.origin, paths[n], { client: name }, { "x-forwarded-for": addressOf(n) });
        await client.emitWithAck(10_000, "join", `room-${n}`);
        clients.push(client);
      }
    });
    const connected = jsHeapBytes(await snapshot(server.pid, dir));
    return {
      perLabKB: (labs - empty) / LEARNERS / 1024,
      perClientKB: (connected - labs) / (LEARNERS * CLIENTS.length) / 1024,
      perLearnerKB: (connected - empty) / LEARNERS / 1024,
    };
  } finally {
    for (const client of clients) client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round1 = (x) => Math.round(x * 10) / 10;
const lab = await measure("lab");
const plain = await measure("plain");
console.log(`Live JS heap, ${LEARNERS} learners × ${CLIENTS.length} clients (KB)`);
console.log("| server | per lab | per client | per learner |");
console.log("| --- | --- | --- | --- |");
for (const [name, m] of [
  ["lab", lab],
  ["plain", plain],
])
  console.log(`| ${name} | ${round1(m.perLabKB)} | ${round1(m.perClientKB)} | ${round1(m.perLearnerKB)} |`);
console.log(
  `per client, lab/plain ×${(lab.perClientKB / plain.perClientKB).toFixed(2)}; per learner ×${(lab.perLearnerKB / plain.perLearnerKB).toFixed(2)}`,
);
