// One load generator thread of bench/load.mjs: its share of the learners. Each learner opens a lab of the
// Broadcast & rooms lesson (lab layer only), connects three clients that join its room, and then each
// client asks the server once a second to send to the room with an ack (socket.to(room)). The thread
// answers the main thread's messages: "ready" once connected, "done" with its round trips after the run.
import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { io } from "socket.io-client";
import { WireClient } from "../wire-client.mjs";

const { kind, origin, from, to, client } = workerData;
const CLIENTS = ["Alice", "Bob", "Carol"];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Learner n's own address, as a public host behind a proxy sees a classroom (10.0.0.1, 10.0.0.2, …). */
function addressOf(n) {
  const k = n + 1;
  return `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
}

async function connect(path, name, address) {
  const headers = { "x-forwarded-for": address };
  if (client === "wire-client") return WireClient.connect(origin, path, { client: name }, headers);
  const socket = io(origin, {
    path,
    forceNew: true,
    transports: ["websocket"],
    query: { client: name },
    extraHeaders: headers,
    reconnection: false,
  });
  await new Promise((resolve, reject) => (socket.once("connect", resolve), socket.once("connect_error", reject)));
  return {
    emitWithAck: (timeoutMs, event, ...args) => socket.timeout(timeoutMs).emitWithAck(event, ...args),
    on: (event, handler) => socket.on(event, handler),
    close: () => socket.disconnect(),
  };
}

/** The lesson's own server.ts, run as the learner's code: the same handlers, in the sandbox. */
const LESSON_CODE = readFileSync("src/lessons/rooms/server.ts", "utf8");

async function putLessonCode(id, address) {
  const response = await fetch(`${origin}/api/labs/${id}/server-code`, {
    method: "PUT",
    headers: { "content-type": "application/json", "x-forwarded-for": address },
    body: JSON.stringify({ code: LESSON_CODE }),
  });
  const body = await response.json();
  if (response.status !== 200 || body.serverCode !== "learner")
    throw new Error(`PUT server-code answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
}

const sockets = [];
const createMs = [];

async function setUp() {
  // Learners arrive twenty at a time per thread.
  for (let start = from; start < to; start += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, to - start) }, async (_, offset) => {
        const n = start + offset;
        const address = addressOf(n);
        let path = "/socket.io";
        if (kind !== "plain") {
          const began = performance.now();
          const response = await fetch(`${origin}/api/labs`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-forwarded-for": address },
            body: JSON.stringify({ lesson: "rooms", learner: `bench-learner-${n.toString().padStart(8, "0")}` }),
          });
          if (!response.ok) throw new Error(`POST /api/labs answered ${response.status}: ${await response.text()}`);
          const lab = await response.json();
          createMs.push(performance.now() - began);
          path = lab.path;
          if (kind === "sandboxed") await putLessonCode(lab.id, address);
        }
        await Promise.all(
          CLIENTS.map(async (name) => {
            const socket = await connect(path, name, address);
            await socket.emitWithAck(10_000, "join", `room-${n}`);
            sockets.push({ socket, room: `room-${n}` });
          }),
        );
      }),
    );
  }
}

/**
 * Sends from `startAt`, each client once a second, for `warmupSeconds` and then `seconds` more; counts only
 * what was sent (and what arrived) after the warm-up, so a round measures the load, not the set-up's wake.
 */
async function load(startAt, warmupSeconds, seconds) {
  const measureFrom = startAt + warmupSeconds * 1000;
  const endAt = measureFrom + seconds * 1000;
  let news = 0;
  for (const { socket } of sockets) socket.on("news", () => void (Date.now() >= measureFrom && (news += 1)));
  const rtts = [];
  let acks = 0;
  let failures = 0;
  await sleep(Math.max(0, startAt - Date.now()));
  await Promise.all(
    sockets.map(async ({ socket, room }, index) => {
      await sleep((index * 1000) / sockets.length); // spread the sends over each second
      while (Date.now() < endAt) {
        const counted = Date.now() >= measureFrom;
        const sent = performance.now();
        try {
          await socket.emitWithAck(5000, "send", { target: "socket.to(room)", room, run: "bench" });
          if (counted) {
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
  return { rtts: Float64Array.from(rtts), acks, failures, news };
}

parentPort.on("message", async (message) => {
  try {
    if (message.type === "setup") {
      await setUp();
      parentPort.postMessage({ type: "ready", clients: sockets.length, createMs });
    } else if (message.type === "go") {
      const result = await load(message.startAt, message.warmupSeconds, message.seconds);
      parentPort.postMessage({ type: "done", ...result }, [result.rtts.buffer]);
    } else if (message.type === "close") {
      for (const { socket } of sockets) socket.close();
      parentPort.postMessage({ type: "closed" });
    }
  } catch (error) {
    parentPort.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
});
