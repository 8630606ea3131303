import * as acks from "../lessons/acks/server.js";
import * as emit from "../lessons/emit/server.js";
import * as recovery from "../lessons/recovery/server.js";
import * as retries from "../lessons/retries/server.js";
import * as rooms from "../lessons/rooms/server.js";
import * as transports from "../lessons/transports/server.js";
import * as whyWebSocket from "../lessons/why-websocket/server.js";
import { lessonLab, type LessonLab } from "./lesson-lab.js";
import { scalingLessonLab } from "./scaling/scaling-lesson.js";

/**
 * The lessons that have a lab, by slug. A lesson without an entry here has no lab yet. Each server.ts says
 * what its handlers do; what only the host needs (logging, processes, a backend of its own) is said here.
 */
export const lessonLabs: ReadonlyMap<string, LessonLab> = new Map(
  [
    // Every HTTP request goes in the server log with its size, so the cost of asking is there to read.
    lessonLab("why-websocket", whyWebSocket, { logRequests: true }),
    lessonLab("emit", emit),
    lessonLab("acks", acks),
    lessonLab("rooms", rooms),
    lessonLab("recovery", recovery),
    lessonLab("retries", retries),
    // Every HTTP request goes in the server log with its body: polling's batches are there to read.
    lessonLab("transports", transports, { logRequests: true }),
    scalingLessonLab(),
  ].map((lab) => [lab.slug, lab]),
);
