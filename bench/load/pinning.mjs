// CPU pinning for the load benchmark (Linux, `taskset`): the server under test on one CPU, the load
// generator on another, so neither steals the other's core and a tail latency belongs to the server.
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { availableParallelism, platform } from "node:os";

export const SERVER_CPU = 0;
export const GENERATOR_CPU = 1;

/** Why pinning is impossible here, or undefined when it is possible. Asked before anything is pinned. */
export function pinningUnavailable() {
  if (platform() !== "linux") return `pinning needs Linux (this is ${platform()})`;
  if (spawnSync("taskset", ["-V"]).status !== 0) return "taskset is not installed (util-linux)";
  if (availableParallelism() < 2) return `only ${availableParallelism()} CPU is available to this process`;
  return undefined;
}

/** The CPUs a process may run on, as /proc lists them ("0", "0-1"). */
export function allowedCpus(pid) {
  return /Cpus_allowed_list:\s+(\S+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "?";
}

/** The ids of a process's children, grandchildren and so on (the host forks a database process). */
function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1].split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * Pins a process, every thread of it (`-a`) and its descendants to one CPU, then checks that it took.
 * Threads and processes started later inherit the CPU from their parent thread.
 */
export function pinTree(pid, cpu) {
  for (const target of [pid, ...descendants(pid)]) {
    const result = spawnSync("taskset", ["-a", "-p", "-c", String(cpu), String(target)], { encoding: "utf8" });
    if (result.status !== 0 && target === pid) throw new Error(`taskset could not pin ${pid}: ${result.stderr.trim()}`);
  }
  const allowed = allowedCpus(pid);
  if (allowed !== String(cpu)) throw new Error(`process ${pid} runs on CPUs ${allowed} after pinning to ${cpu}`);
  return allowed;
}
