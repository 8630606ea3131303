// Soak: learners come and go for a while, with faults, against the production build; the server's RSS is
// sampled every 30 s and must not climb. Needs a production build (npm run build).
//   node bench/soak.mjs [minutes=10]        writes bench/results/soak.json
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { io } from "socket.io-client";
import { startProductionServer } from "../scripts/production-server.mjs";

const MINUTES = Number(process.argv[2] ?? 10);
const LESSONS = ["emit", "acks", "rooms", "recovery", "retries", "transports", "why-websocket"];
const ARRIVALS_PER_SECOND = 3;
const STAY_MS = 20_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) * 1024;

const server = await startProductionServer({ stdio: "ignore" });
const api = (path, method = "GET", body) =>
  fetch(`${server.origin}${path}`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body && JSON.stringify(body),
  });

let learners = 0;
let errors = 0;
/** One learner: a lab, two clients that emit and ask for acks, a few faults, then gone. */
async function learner(n) {
  const lesson = LESSONS[n % LESSONS.length];
  const lab = await (await api("/api/labs", "POST", { lesson, learner: `soak-learner-${n.toString().padStart(10, "0")}` })).json();
  const clients = ["Alice", "Bob"].map((name, i) =>
    io(server.origin, {
      path: lab.path,
      forceNew: true,
      query: { client: name },
      transports: i === 0 ? ["websocket"] : ["polling", "websocket"],
    }),
  );
  const timer = setInterval(() => {
    for (const client of clients) client.timeout(2000).emit("message", `hello ${n}`, () => undefined);
  }, 500);
  await sleep(3000);
  const faults = [
    () => api(`/api/labs/${lab.id}/clients/Alice/drop`, "POST"),
    () => api(`/api/labs/${lab.id}/clients/Bob/link`, "PUT", { blackhole: true }),
    () => api(`/api/labs/${lab.id}/clients/Bob/link`, "PUT", { blackhole: false, latencyMs: 200 }),
    () => api(`/api/labs/${lab.id}/restart`, "POST"),
    () => api(`/api/labs/${lab.id}/clients/Alice/link`, "PUT", { offline: true }),
    () => api(`/api/labs/${lab.id}/clients/Alice/link`, "PUT", { offline: false }),
  ];
  for (const fault of faults) {
    await fault();
    await sleep((STAY_MS - 3000) / faults.length);
  }
  clearInterval(timer);
  for (const client of clients) client.disconnect();
  await api(`/api/labs/${lab.id}`, "DELETE");
}

const samples = [];
const started = Date.now();
const sampler = setInterval(
  () => samples.push({ atS: Math.round((Date.now() - started) / 1000), rssMB: Math.round(rss(server.pid) / 1e5) / 10, learners }),
  30_000,
);
const running = new Set();
while (Date.now() - started < MINUTES * 60_000) {
  for (let i = 0; i < ARRIVALS_PER_SECOND; i++) {
    const n = learners++;
    const task = learner(n)
      .catch(() => (errors += 1))
      .finally(() => running.delete(task));
    running.add(task);
  }
  await sleep(1000);
}
await Promise.all(running);
await sleep(5000);
clearInterval(sampler);
const health = (await api("/api/health")).status;
samples.push({
  atS: Math.round((Date.now() - started) / 1000),
  rssMB: Math.round(rss(server.pid) / 1e5) / 10,
  learners,
  after: "all learners gone",
});
await server.stop();
const result = { at: new Date().toISOString(), minutes: MINUTES, learners, errors, health, samples };
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/soak.json", `${JSON.stringify(result, null, 1)}\n`);
console.log(JSON.stringify(result, null, 1));
