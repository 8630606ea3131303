import type { IncomingMessage, ServerResponse } from "node:http";
import type { DatabaseSync } from "node:sqlite";
import type { Server } from "socket.io";
import type { LabBackend, LabBackendParts } from "./lab/lab-backend.js";

/** Server options a lesson may set on its lab; everything else is the lab's business. */
export interface LessonServerOptions {
  pingInterval?: number;
  pingTimeout?: number;
  connectionStateRecovery?: { maxDisconnectionDuration?: number; skipMiddlewares?: boolean };
}

/** Writes a line to the lab's server log, where the learner sees it. */
export type LessonLog = (message: string) => void;

/** A number the learner can change while the lab runs, e.g. how long the server waits before it acks. */
export interface LessonSetting {
  label: string;
  default: number;
  min: number;
  max: number;
}

/** A plain Node HTTP handler, for lessons that compare Socket.IO with ordinary requests. */
export type LessonRoute = (req: IncomingMessage, res: ServerResponse) => void;

/** What a lesson's handlers get besides the server: the log, and the current value of each setting. */
export interface LessonContext {
  log: LessonLog;
  settings: Readonly<Record<string, number>>;
  /** The lab's SQLite database (Node's built-in `node:sqlite`), opened on first call; it survives "Restart server". */
  database(): DatabaseSync;
  /** Serves a plain HTTP GET at `<lab>/http<path>` (e.g. `/labs/<id>/http/tick`), next to the Socket.IO server. */
  get(path: `/${string}`, route: LessonRoute): void;
  /** Runs when this server stops (a restart, or the lab closing): clear timers the handlers started. */
  onClose(cleanup: () => void): void;
}

/**
 * What a lesson brings to its lab: the server options it wants and the handlers it runs.
 * Handlers are plain Socket.IO code; they know nothing of labs, limits or faults.
 */
interface LessonLabBase {
  slug: string;
  options: LessonServerOptions;
  settings?: Record<string, LessonSetting>;
  /** Log every HTTP request of a named client, with its bytes and body: for lessons about the wire itself. */
  logRequests?: boolean;
  /** Separate processes each lab of this lesson runs (the Scaling lab's nodes), counted against maxLabProcesses. */
  processes?: number;
}

/**
 * Most lessons run their handlers in one Socket.IO server inside the playground's process (`setup`). A
 * lesson about several servers (Scaling) brings its own backend instead: its handlers run elsewhere.
 */
export type LessonLab = LessonLabBase &
  ({ setup(io: Server, context: LessonContext): void; backend?: undefined } | { backend(parts: LabBackendParts): LabBackend; setup?: undefined });
