import { acksLab } from "../lessons/acks/server.js";
import { emitLab } from "../lessons/emit/server.js";
import { recoveryLab } from "../lessons/recovery/server.js";
import { retriesLab } from "../lessons/retries/server.js";
import { roomsLab } from "../lessons/rooms/server.js";
import { transportsLab } from "../lessons/transports/server.js";
import { whyWebSocketLab } from "../lessons/why-websocket/server.js";
import type { LessonLab } from "./lesson-lab.js";
import { scalingLessonLab } from "./scaling/scaling-lesson.js";

/** The lessons that have a lab, by slug. A lesson without an entry here has no lab yet. */
export const lessonLabs: ReadonlyMap<string, LessonLab> = new Map(
  [whyWebSocketLab, emitLab, acksLab, roomsLab, recoveryLab, retriesLab, transportsLab, scalingLessonLab()].map((lab) => [lab.slug, lab]),
);
