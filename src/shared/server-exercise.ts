import type { ManagerOptions, Socket, SocketOptions } from "socket.io-client";
import type { Verdict } from "./exercise.js";
import type { LabInfo } from "./lab-api.js";
import type { ServerLogEntry } from "./server-log.js";

/**
 * What a server exercise's check drives: real socket.io-client instances on the learner's own lab, which is
 * running the learner's server code, and the lab's server log. The page gives it one; so does a test in Node.
 */
export interface ExerciseLab {
  /** The lab as the API describes it: its paths (a Scaling lab's nodes and balancer too). */
  readonly info: LabInfo;
  /**
   * Connects a new client called `name` to the lab (its link and log lines carry that name); resolves once
   * connected. `setup` runs before it connects, so listeners catch what the server sends on connection.
   */
  connect(name: string, options?: Partial<ManagerOptions & SocketOptions>, setup?: (socket: Socket) => void): Promise<Socket>;
  /** Cuts a client's connection on the lab's side (the lab's Drop): the client reconnects if it may. */
  drop(name: string): Promise<void>;
  /** The server log's entries so far. */
  entries(): readonly ServerLogEntry[];
  /** Waits until the server log has an entry that matches, or resolves undefined after `ms`. */
  waitForEntry(matches: (entry: ServerLogEntry) => boolean, ms: number): Promise<ServerLogEntry | undefined>;
}

/**
 * A lesson's server-side exercise. The learner edits the lab's server code, runs it on the lab, and the
 * check plays a short scene with its own clients: the verdict comes from what those clients received and
 * what the lab logged, never from the code's text. The starter and solution are the lesson's
 * `server-starter.ts` and `server-solution.ts`, whole server files of the same shape as its server.ts.
 */
export interface ServerExercise {
  /** What the server should do, in a sentence or two. */
  task: string;
  /** Nudges shown one at a time before the solution. */
  hints: string[];
  /** Plays the scene and judges it; it closes every client it opened. */
  check(lab: ExerciseLab): Promise<Verdict>;
}

/** Waits for `event` on `socket`: its arguments, or undefined after `ms`. */
export function received(socket: Socket, event: string, ms: number): Promise<unknown[] | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      resolve(undefined);
    }, ms);
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(args);
    };
    socket.on(event, listener);
  });
}

/** Whether `socket` receives `event` within `ms`: for "the sender gets nothing back", judged over a short window. */
export async function receivesWithin(socket: Socket, event: string, ms: number): Promise<boolean> {
  return (await received(socket, event, ms)) !== undefined;
}

/** An acknowledged emit's answer, or `{ noAnswer: true }` after `ms`. */
export async function answer(socket: Socket, ms: number, event: string, ...args: unknown[]): Promise<unknown> {
  try {
    return (await socket.timeout(ms).emitWithAck(event, ...args)) as unknown;
  } catch {
    return { noAnswer: true };
  }
}

/** Runs a scene with clients, and closes them however it ends. */
export async function withClients<T>(lab: ExerciseLab, names: string[], scene: (...clients: Socket[]) => Promise<T>): Promise<T> {
  const clients: Socket[] = [];
  try {
    for (const name of names) clients.push(await lab.connect(name));
    return await scene(...clients);
  } finally {
    for (const client of clients) client.disconnect();
  }
}
