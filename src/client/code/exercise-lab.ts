/**
 * An ExerciseLab (src/shared/server-exercise.ts) on a real lab: socket.io-client connections to the lab's
 * path, named by their `client` query as the lab names every client, the lab's Drop through the control API,
 * and the lab's server log from a feed. It touches no DOM, so Node tests drive it with an origin.
 */
import { io, type Socket } from "socket.io-client";
import type { LabInfo } from "../../shared/lab-api.js";
import type { ExerciseLab } from "../../shared/server-exercise.js";
import type { ServerLogEntry } from "../../shared/server-log.js";

/** Where the lab's log entries come from: the page's LabFeed, or any stream of entries in a test. */
export interface EntrySource {
  on(event: "entry", listener: (entry: ServerLogEntry) => void): () => void;
}

/** A check's lab, and `close()` for the page to end whatever the check left open (a check that threw, say). */
export interface ClosableExerciseLab extends ExerciseLab {
  close(): void;
}

/** How long `connect` waits for the lab to admit or refuse a client before it gives up. */
const CONNECT_TIMEOUT_MS = 5000;

export function createExerciseLab(lab: LabInfo, feed: EntrySource, origin: string): ClosableExerciseLab {
  // Only what the lab logs from now on: the check judges its own scene, not what came before it.
  const entries: ServerLogEntry[] = [];
  const waiters = new Set<(entry: ServerLogEntry) => void>();
  const stopFeed = feed.on("entry", (entry) => {
    entries.push(entry);
    for (const waiter of waiters) waiter(entry);
  });
  const sockets = new Set<Socket>();

  return {
    info: lab,
    connect(name, options = {}, setup) {
      const socket = io(origin, {
        forceNew: true,
        reconnectionDelay: 200,
        timeout: CONNECT_TIMEOUT_MS,
        ...options,
        // A check may pick another of the lab's paths, e.g. a Scaling lab's balancer.
        path: options.path ?? lab.path,
        query: { ...(options.query as Record<string, string> | undefined), client: name },
      });
      sockets.add(socket);
      // Before the first event can arrive: a listener here hears what the server sends on connection.
      setup?.(socket);
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          socket.off("connect", done);
          socket.off("connect_error", refused);
          resolve(socket);
        };
        // A refusal resolves too (the contract says so): the check sees `socket.connected === false`.
        const refused = () => {
          if (socket.active) return;
          done();
        };
        const timer = setTimeout(done, CONNECT_TIMEOUT_MS);
        socket.on("connect", done);
        socket.on("connect_error", refused);
      });
    },
    async drop(name) {
      const response = await fetch(`${origin}/api/labs/${encodeURIComponent(lab.id)}/clients/${encodeURIComponent(name)}/drop`, {
        method: "POST",
      });
      if (!response.ok) throw new Error(`The lab could not drop ${name}: it answered ${response.status}.`);
    },
    entries: () => entries,
    waitForEntry(matches, ms) {
      const found = entries.find(matches);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const waiter = (entry: ServerLogEntry) => {
          if (!matches(entry)) return;
          finish(entry);
        };
        const finish = (entry: ServerLogEntry | undefined) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(entry);
        };
        const timer = setTimeout(() => finish(undefined), ms);
        waiters.add(waiter);
      });
    },
    close() {
      stopFeed();
      waiters.clear();
      for (const socket of sockets) socket.disconnect();
      sockets.clear();
    },
  };
}
