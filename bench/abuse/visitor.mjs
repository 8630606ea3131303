// The innocent visitor, a process of its own so the attacker's event loop does not delay it. While an attack
// runs it (1) samples the host's RSS, open file descriptors, its children's RSS and the bytes in its data
// directory, (2) asks /api/health every 50 ms on a new connection each time, as a new visitor would, and
// (3) every few seconds opens a lab and connects a real socket.io-client to it, as a new learner's page would,
// each time from another address (X-Forwarded-For, which the host trusts from 127.0.0.1).
// Started with fork(); told {type: "start", ...} and {type: "stop"}, it answers {type: "report", ...}.
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { io } from "socket.io-client";
import { dirBytes } from "./tools.mjs";

const SAMPLE_MS = 50;
const HEALTH_TIMEOUT_MS = 10_000;
const MAX_HEALTH_IN_FLIGHT = 200;

const readNumber = (file, pattern) => {
  try {
    return Number(pattern.exec(readFileSync(file, "utf8"))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
};
const rssOf = (pid) => readNumber(`/proc/${pid}/status`, /VmRSS:\s+(\d+)/) * 1024;
function fdsOf(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}
/** Every descendant of pid (the Scaling lab's node processes). */
function descendants(pid) {
  const found = [];
  const read = (file, fallback) => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return fallback;
    }
  };
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const task of tasks) {
    const children = read(`/proc/${pid}/task/${task}/children`, "");
    for (const child of children.split(" ").filter(Boolean)) found.push(Number(child), ...descendants(Number(child)));
  }
  return found;
}

/** One HTTP request on a fresh connection; resolves {status, body} or rejects. */
function call(origin, method, path, { headers = {}, body, timeoutMs = HEALTH_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}${path}`,
      { method, agent: false, headers: { "content-type": "application/json", ...headers } },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

let run;

function start({ origin, pid, dataDir, labEveryMs, lesson, connectTimeoutMs }) {
  const began = performance.now();
  const state = {
    samples: [],
    health: [],
    healthFailures: [],
    healthPending: new Map(),
    labChecks: [],
    stopped: false,
  };
  let seq = 0;
  const sampler = setInterval(() => {
    const children = descendants(pid);
    state.samples.push({
      t: Math.round(performance.now() - began),
      rss: rssOf(pid),
      fds: fdsOf(pid),
      children: children.length,
      childrenRss: children.reduce((sum, child) => sum + (rssOf(child) || 0), 0),
      dataBytes: dirBytes(dataDir),
    });
    if (state.healthPending.size >= MAX_HEALTH_IN_FLIGHT) return;
    const id = (seq += 1);
    const sent = performance.now();
    state.healthPending.set(id, sent);
    call(origin, "GET", "/api/health", { headers: { "x-forwarded-for": "198.51.100.250" } })
      .then((answer) => {
        if (answer.status === 200) state.health.push([Math.round(sent - began), performance.now() - sent]);
        else state.healthFailures.push([Math.round(sent - began), `HTTP ${answer.status}`]);
      })
      .catch((error) => state.healthFailures.push([Math.round(sent - began), error.code ?? error.message]))
      .finally(() => state.healthPending.delete(id));
  }, SAMPLE_MS);

  let visitorSeq = 0;
  const checks = (async () => {
    while (!state.stopped) {
      visitorSeq += 1;
      // Each check is a new visitor: an address and a learner id of its own.
      const address = `198.51.100.${(visitorSeq % 240) + 1}`;
      const headers = { "x-forwarded-for": address };
      const sent = performance.now();
      const check = { t: Math.round(sent - began), ok: false };
      let lab;
      let socket;
      try {
        const answer = await call(origin, "POST", "/api/labs", {
          headers,
          body: { lesson, learner: `abuse-visitor-${process.pid}-${visitorSeq}-${Math.random().toString(36).slice(2)}` },
          timeoutMs: connectTimeoutMs,
        });
        check.labStatus = answer.status;
        if (answer.status !== 201 && answer.status !== 200) throw new Error(`POST /api/labs ${answer.status} ${answer.body.slice(0, 160)}`);
        lab = JSON.parse(answer.body);
        check.labMs = Math.round(performance.now() - sent);
        socket = io(origin, {
          // A Scaling lab's first node: its balancer round-robins polling requests, which breaks a session.
          path: lab.scaling?.nodes?.[0]?.path ?? lab.path,
          forceNew: true,
          reconnection: false,
          timeout: connectTimeoutMs,
          query: { client: "Visitor" },
          extraHeaders: headers,
        });
        await new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`not connected in ${connectTimeoutMs} ms`)), connectTimeoutMs);
          socket.once("connect", () => (clearTimeout(timer), resolve()));
          socket.once("connect_error", (error) => (clearTimeout(timer), reject(error)));
        });
        check.ok = true;
        check.ms = Math.round(performance.now() - sent);
      } catch (error) {
        check.ms = Math.round(performance.now() - sent);
        check.error = String(error?.code ?? error?.message ?? error).slice(0, 200);
      } finally {
        socket?.disconnect();
        if (lab) await call(origin, "DELETE", `/api/labs/${lab.id}`, { headers }).catch(() => undefined);
      }
      state.labChecks.push(check);
      const waitMs = Math.max(0, labEveryMs - (performance.now() - sent));
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  })();
  run = { state, sampler, checks, began };
}

async function stop() {
  const { state, sampler, checks, began } = run;
  clearInterval(sampler);
  state.stopped = true;
  const now = performance.now();
  // A health request still unanswered counts with what it has waited so far, a lower bound.
  const pending = [...state.healthPending.values()].map((sent) => [Math.round(sent - began), now - sent]);
  await Promise.race([checks, new Promise((resolve) => setTimeout(resolve, 3000))]);
  process.send({
    type: "report",
    seconds: (now - began) / 1000,
    samples: state.samples,
    health: state.health,
    healthPending: pending,
    healthFailures: state.healthFailures,
    labChecks: state.labChecks,
  });
}

process.on("message", (message) => {
  if (message.type === "start") start(message);
  else if (message.type === "stop") void stop();
  else if (message.type === "exit") process.exit(0);
});
process.send({ type: "ready" });
