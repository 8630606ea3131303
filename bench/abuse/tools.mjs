// What the attacks share: HTTP calls, real socket.io-client connections, a lab, waiting.
import { readdirSync, statSync } from "node:fs";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { io } from "socket.io-client";

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kept-alive connections for the attacker's API calls, so a flood of them does not run out of ports. */
export const attackerAgent = new Agent({ keepAlive: true, maxSockets: 16 });

/** One HTTP call; resolves {status, headers, body, json} or rejects on a network error or timeout. */
export function call(origin, method, path, { body, headers = {}, agent = attackerAgent, timeoutMs = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { method, agent, headers: { "content-type": "application/json", ...headers } }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          // Not JSON.
        }
        resolve({ status: res.statusCode, headers: res.headers, body: text, json });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body));
  });
}

let learnerSeq = 0;
export const freshLearner = () => `abuse-${process.pid}-${(learnerSeq += 1)}-${Math.random().toString(36).slice(2, 10)}`;

export async function openLab(origin, lesson) {
  const answer = await call(origin, "POST", "/api/labs", { body: { lesson, learner: freshLearner() } });
  if (answer.status !== 201 && answer.status !== 200)
    throw new Error(`POST /api/labs (${lesson}) answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  return answer.json;
}

/** A real socket.io-client, connected; rejects with the connect_error. */
export function connect(origin, lab, name, { transport = "websocket", timeoutMs = 5000, ...options } = {}) {
  const socket = io(origin, {
    path: lab.path,
    forceNew: true,
    reconnection: false,
    transports: [transport],
    query: { client: name },
    timeout: timeoutMs,
    ...options,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (socket.close(), reject(new Error("connect timeout"))), timeoutMs);
    socket.once("connect", () => (clearTimeout(timer), resolve(socket)));
    socket.once("connect_error", (error) => (clearTimeout(timer), socket.close(), reject(error)));
  });
}

export const round = (value, digits = 1) =>
  value === null || value === undefined || Number.isNaN(value) ? null : Math.round(value * 10 ** digits) / 10 ** digits;
export const mb = (bytes) => round(bytes / 1e6, 1);

export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A histogram of strings: {"HTTP 429": 12, …}. */
export function tally(values) {
  const counts = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** Bytes of the files under dir, a few folders deep (a host may keep a folder per process). */
export function dirBytes(dir, depth = 3) {
  let total = 0;
  let entries = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    // Not created yet, or gone.
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0) total += dirBytes(path, depth - 1);
      continue;
    }
    try {
      total += statSync(path).size;
    } catch {
      // Deleted between the listing and the stat.
    }
  }
  return total;
}
