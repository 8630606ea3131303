import type { Database } from "better-sqlite3";
import type { Server } from "socket.io";

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

/** What a lesson's handlers get besides the server: the log, and the current value of each setting. */
export interface LessonContext {
  log: LessonLog;
  settings: Readonly<Record<string, number>>;
  /** The lab's SQLite database (better-sqlite3), opened on first call; it survives "Restart server". */
  database(): Database;
}

/**
 * What a lesson brings to its lab: the server options it wants and the handlers it runs.
 * Handlers are plain Socket.IO code; they know nothing of labs, limits or faults.
 */
export interface LessonLab {
  slug: string;
  options: LessonServerOptions;
  settings?: Record<string, LessonSetting>;
  setup(io: Server, context: LessonContext): void;
}
