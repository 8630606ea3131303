import type { Server } from "socket.io";

/** Server options a lesson may set on its lab; everything else is the lab's business. */
export interface LessonServerOptions {
  pingInterval?: number;
  pingTimeout?: number;
  connectionStateRecovery?: { maxDisconnectionDuration?: number; skipMiddlewares?: boolean };
}

/** Writes a line to the lab's server log, where the learner sees it. */
export type LessonLog = (message: string) => void;

/**
 * What a lesson brings to its lab: the server options it wants and the handlers it runs.
 * Handlers are plain Socket.IO code; they know nothing of labs, limits or faults.
 */
export interface LessonLab {
  slug: string;
  options: LessonServerOptions;
  setup(io: Server, log: LessonLog): void;
}
