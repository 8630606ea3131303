import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { inject } from "vitest";
import { defaultLimits, type PlaygroundLimits } from "../../src/server/config.js";
import { listen, type RunningPlayground } from "../../src/server/host/listen.js";
import type { LessonLab } from "../../src/server/lesson-lab.js";
import { lessonLabs } from "../../src/server/lessons.js";
import { scalingLessonLab } from "../../src/server/scaling/scaling-lesson.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import type { InspectorSnapshot } from "../../src/shared/inspector.js";
import type { ServerLogEntry } from "../../src/shared/server-log.js";

/** Tests keep lab databases out of the project's data/ folder. */
export const testDataDir = mkdtempSync(join(tmpdir(), "playground-test-data-"));

/** A lab's SQLite file, in the folder of the host that holds it (`<data dir>/proc-<pid>-<token>/lab-<id>.sqlite`), if it exists. */
export function labDatabasePath(labId: string, dataDir = testDataDir): string | undefined {
  const found = (readdirSync(dataDir, { recursive: true }) as string[]).find((file) => basename(file) === `lab-${labId}.sqlite`);
  return found === undefined ? undefined : join(dataDir, found);
}

/** Every lesson's lab, the Scaling lab's nodes run from this test run's bundle, on its Redis if it has one. */
export const testLessons: ReadonlyMap<string, LessonLab> = new Map([
  ...lessonLabs,
  ["scaling", scalingLessonLab(() => ({ entry: inject("scalingNodeEntry"), redisUrl: inject("redisUrl") || undefined }))],
]);

/** Starts the real playground server on an ephemeral port, with limits a test may tighten. */
export function startServer(
  limits: Partial<PlaygroundLimits> = {},
  lessons: ReadonlyMap<string, LessonLab> = testLessons,
  dataDir = testDataDir,
): Promise<RunningPlayground> {
  return listen({ port: 0, host: "127.0.0.1", limits: { ...defaultLimits, ...limits }, dataDir }, lessons);
}

let learnerCount = 0;
export function newLearner(): string {
  learnerCount += 1;
  return `test-learner-${process.pid}-${learnerCount}-${Math.random().toString(36).slice(2)}`;
}

export async function createLab(origin: string, lesson = "emit", learner = newLearner()): Promise<LabInfo> {
  const response = await fetch(`${origin}/api/labs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ lesson, learner }),
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`creating a lab answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as LabInfo;
}

export type Transport = "websocket" | "polling";

/**
 * A real socket.io-client connected to a lab; resolves once connected. Its name travels in the `client`
 * query parameter, which is how the lab's network faults find it.
 */
export async function connectClient(
  origin: string,
  lab: LabInfo,
  name: string,
  transport: Transport = "websocket",
  options: Partial<ManagerOptions & SocketOptions> = {},
  setup?: (socket: Socket) => void,
): Promise<Socket> {
  const socket = io(origin, {
    path: lab.path,
    forceNew: true,
    query: { client: name },
    transports: [transport],
    reconnection: false,
    ...options,
  });
  setup?.(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

/** Resolves with the arguments of the next `event`, or fails after `ms`. */
export function nextEvent<T extends unknown[] = unknown[]>(
  target: { once(event: string, listener: (...args: T) => void): unknown },
  event: string,
  ms = 3000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${ms} ms`)), ms);
    target.once(event, (...args: T) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

/** The lab's live stream as server-sent events: each message's name ("message" unless named) and data. */
async function* streamMessages(origin: string, lab: LabInfo, signal: AbortSignal): AsyncGenerator<{ name: string; data: string }> {
  const response = await fetch(`${origin}${lab.logUrl}`, { signal });
  if (!response.body) throw new Error("the log stream has no body");
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of response.body) {
    buffered += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffered.indexOf("\n\n")) !== -1) {
      const lines = buffered.slice(0, end).split("\n");
      buffered = buffered.slice(end + 2);
      const data = lines.find((line) => line.startsWith("data: "));
      if (data) yield { name: lines.find((line) => line.startsWith("event: "))?.slice(7) ?? "message", data: data.slice(6) };
    }
  }
}

/** Reads the lab's live stream (server log and inspector snapshots) until a message matches, or fails after `ms`. */
async function readStream<T>(
  origin: string,
  lab: LabInfo,
  eventName: "message" | "inspector",
  matches: (value: T) => boolean,
  ms: number,
): Promise<T> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    for await (const { name, data } of streamMessages(origin, lab, abort.signal)) {
      if (name !== eventName) continue;
      const value = JSON.parse(data) as T;
      if (matches(value)) return value;
    }
    throw new Error("the log stream ended before a matching message");
  } catch (error) {
    if (abort.signal.aborted) {
      throw new Error(`no matching ${eventName === "message" ? "server log entry" : "inspector snapshot"} within ${ms} ms`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** Reads the lab's server log over HTTP until an entry matches, or fails after `ms`. */
export function waitForLogEntry(
  origin: string,
  lab: LabInfo,
  matches: (entry: ServerLogEntry) => boolean,
  ms = 3000,
): Promise<ServerLogEntry> {
  return readStream(origin, lab, "message", matches, ms);
}

/** Reads the inspector snapshots the lab streams until one matches, or fails after `ms`. */
export function waitForSnapshot(
  origin: string,
  lab: LabInfo,
  matches: (snapshot: InspectorSnapshot) => boolean,
  ms = 3000,
): Promise<InspectorSnapshot> {
  return readStream(origin, lab, "inspector", matches, ms);
}

/** Waits for the server log to show a frame the lab `received` or `sent` that passes `test`; resolves with the frame. */
export async function waitForFrame(
  origin: string,
  lab: LabInfo,
  kind: "received" | "sent",
  test: (frame: string) => boolean,
): Promise<string> {
  const entry = await waitForLogEntry(origin, lab, (e) => e.kind === kind && test(e.frame));
  return entry.kind === kind ? entry.frame : "";
}

/** Sends a fault to the lab's control API and returns the JSON answer; fails on a non-2xx status. */
export async function fault(origin: string, lab: LabInfo, path: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${origin}/api/labs/${lab.id}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer: unknown = await response.json();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** Follows the lab's server log live, calling `onEntry` for each entry (the kept ones first); returns a stop function. */
export function followLog(origin: string, lab: LabInfo, onEntry: (entry: ServerLogEntry) => void): () => void {
  const abort = new AbortController();
  void (async () => {
    try {
      for await (const { name, data } of streamMessages(origin, lab, abort.signal)) {
        if (name === "message") onEntry(JSON.parse(data) as ServerLogEntry);
      }
    } catch {
      // Stopped.
    }
  })();
  return () => abort.abort();
}
