// Samples what a server allocates, for `node --import`, to see which allocations the old generation fills
// with: those that outlive two scavenges and die in a full collection ([8/8]). With SAMPLER_MAJOR=1 the
// profile keeps the objects a full (major) collection freed, as well as the live ones; without it, only
// those still alive when sampling stops. Compare the two, or the lab's with plain's:
//   SAMPLER_MAJOR=1 BENCH_SERVER_NODE_ARGS="--import=./bench/gc-sampler.mjs" node bench/load.mjs 2000 62 --only=lab
//   node bench/heap-profile-sites.mjs /tmp/gc-sampler/major-<pid>.heapprofile 40
// SAMPLER_FROM_MS (15000) and SAMPLER_FOR_MS (40000) place the window after the learners have connected.
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

const major = process.env.SAMPLER_MAJOR === "1";
const from = Number(process.env.SAMPLER_FROM_MS ?? 15_000);
const length = Number(process.env.SAMPLER_FOR_MS ?? 40_000);
const dir = process.env.SAMPLER_DIR ?? "/tmp/gc-sampler";
const session = new Session();
session.connect();
setTimeout(async () => {
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 32_768,
    includeObjectsCollectedByMajorGC: major,
    includeObjectsCollectedByMinorGC: false,
  });
  setTimeout(async () => {
    const { profile } = await session.post("HeapProfiler.stopSampling");
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${major ? "major" : "live"}-${process.pid}.heapprofile`, JSON.stringify(profile));
  }, length).unref();
}, from).unref();
