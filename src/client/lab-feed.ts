import type { InspectorSnapshot } from "../shared/inspector.js";
import type { LabInfo } from "../shared/lab-api.js";
import type { ServerLogEntry } from "../shared/server-log.js";
import { openEventStream } from "./event-stream.js";

interface LabFeedEvents {
  /** One entry of the lab server's log, the kept ones first. */
  entry: ServerLogEntry;
  /** The server inspector's state, sent whenever it changes. */
  snapshot: InspectorSnapshot;
  /** The lab is gone for good: evicted when idle, deleted, or its process restarted. */
  closed: undefined;
}

type Listeners = { [K in keyof LabFeedEvents]: Set<(value: LabFeedEvents[K]) => void> };

/**
 * What the lab's server streams: its log, the inspector's snapshots, and the news that the lab has closed.
 * One stream per lab session, whatever shows it: views, the timeline and the exercise judge subscribe here.
 */
export class LabFeed {
  /** The newest inspector snapshot, once one has arrived. */
  snapshot: InspectorSnapshot | undefined;
  closed = false;
  private readonly listeners: Listeners = { entry: new Set(), snapshot: new Set(), closed: new Set() };
  private readonly stop: () => void;

  constructor(lab: LabInfo, origin: string = location.origin) {
    this.stop = openEventStream(new URL(lab.logUrl, origin).href, {
      onMessage: ({ name, data }) => {
        if (name === "inspector") {
          this.snapshot = JSON.parse(data) as InspectorSnapshot;
          this.emitTo("snapshot", this.snapshot);
        } else if (name === "message") {
          this.emitTo("entry", JSON.parse(data) as ServerLogEntry);
        }
      },
      onClosed: () => {
        this.closed = true;
        this.emitTo("closed", undefined);
      },
    });
  }

  on<K extends keyof LabFeedEvents>(event: K, listener: (value: LabFeedEvents[K]) => void): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  close(): void {
    this.stop();
    for (const set of Object.values(this.listeners)) set.clear();
  }

  private emitTo<K extends keyof LabFeedEvents>(event: K, value: LabFeedEvents[K]): void {
    for (const listener of this.listeners[event]) listener(value);
  }
}
