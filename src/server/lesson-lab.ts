import type { LessonServerOptions, LessonSetting } from "../lessons/lab-context.js";
import type { LabBackend, LabBackendParts, LessonHandlers } from "./lab/lab-backend.js";

/**
 * A lesson's server.ts as the host loads it: its handlers (the default export), and the options and
 * settings it names. The handlers are typed with the lesson's own event maps; the host's server, which
 * carries none, is accepted where they expect theirs, so neither side casts.
 */
export interface LessonServerModule {
  default: LessonHandlers;
  options?: LessonServerOptions;
  settings?: Record<string, LessonSetting>;
}

/** What only the host needs to know of a lesson's lab, beside what its server.ts says. */
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
 * Most lessons run their handlers in one Socket.IO server inside the playground's process (`handlers`). A
 * lesson about several servers (Scaling) brings its own backend instead: its handlers run elsewhere.
 */
export type LessonLab = LessonLabBase &
  ({ handlers: LessonHandlers; backend?: undefined } | { backend(parts: LabBackendParts): LabBackend; handlers?: undefined });

/** A registry entry for a lesson whose handlers run in the playground's process. */
export function lessonLab(
  slug: string,
  server: LessonServerModule,
  host: Pick<LessonLabBase, "logRequests" | "processes"> = {},
): LessonLab {
  return { slug, options: server.options ?? {}, ...(server.settings && { settings: server.settings }), ...host, handlers: server.default };
}
