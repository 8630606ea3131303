// What one Scaling lab costs: the RSS of its two node processes, and how long they take to start. Sets the
// default of PLAYGROUND_MAX_LAB_PROCESSES (docs/scaling-lab.md). Needs a production build (npm run build).
//   node bench/scaling-nodes.mjs [labs=3]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { startProductionServer } from "../scripts/production-server.mjs";

const LABS = Number(process.argv[2] ?? 3);
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
const nodesOf = (pid) =>
  execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.includes("scaling-node"))
    .map((line) => Number(line.trim().split(" ")[0]));

const server = await startProductionServer({ stdio: "ignore" });
try {
  const startMs = [];
  for (let n = 0; n < LABS; n++) {
    const began = performance.now();
    const response = await fetch(`${server.origin}/api/labs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lesson: "scaling", learner: `bench-scaling-${n.toString().padStart(10, "0")}` }),
    });
    const lab = await response.json();
    // The nodes are up when the lab's first node answers a handshake.
    const handshake = await fetch(`${server.origin}${lab.scaling.nodes[0].path}/?EIO=4&transport=polling`);
    if (!handshake.ok) throw new Error(`node A answered ${handshake.status}`);
    startMs.push(performance.now() - began);
  }
  const nodes = nodesOf(server.pid).map(rssMb);
  const mean = nodes.reduce((sum, mb) => sum + mb, 0) / nodes.length;
  console.log(
    `${LABS} Scaling labs: ${nodes.length} node processes, RSS per node ${Math.min(...nodes).toFixed(1)}–${Math.max(...nodes).toFixed(1)} MB (mean ${mean.toFixed(1)} MB)`,
  );
  console.log(`time from POST /api/labs to node A's first handshake: ${startMs.map((ms) => ms.toFixed(0)).join(", ")} ms`);
} finally {
  await server.stop();
}
