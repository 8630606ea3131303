import type { ExerciseLab } from "../../src/shared/server-exercise.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import type { ServerLogEntry } from "../../src/shared/server-log.js";
import { connectClient, fault, followLog } from "./server.js";

/** An ExerciseLab in Node: real socket.io-client instances on the lab, its drop API and its log stream. */
export function nodeExerciseLab(origin: string, lab: LabInfo): ExerciseLab & { close(): void } {
  const entries: ServerLogEntry[] = [];
  const waiters = new Set<() => void>();
  const stop = followLog(origin, lab, (entry) => {
    entries.push(entry);
    for (const waiter of waiters) waiter();
  });
  return {
    info: lab,
    connect: (name, options = {}, setup) => connectClient(origin, lab, name, "websocket", options, setup),
    drop: async (name) => void (await fault(origin, lab, `/clients/${encodeURIComponent(name)}/drop`, "POST")),
    entries: () => entries,
    waitForEntry: (matches, ms) =>
      new Promise((resolve) => {
        const found = () => entries.find(matches);
        const check = () => {
          const entry = found();
          if (!entry) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(entry);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          resolve(undefined);
        }, ms);
        waiters.add(check);
        check();
      }),
    close: stop,
  };
}
