import type { InspectorSnapshot } from "../shared/inspector.js";
import type { LabInfo } from "../shared/lab-api.js";
import type { ServerLogEntry } from "../shared/server-log.js";
import { openEventStream } from "./event-stream.js";
import { EventGate, GatedListeners, type ListenOptions } from "./event-gate.js";

interface LabFeedEvents {
  /** One entry of the lab server's log, the kept ones first. */
  entry: ServerLogEntry;
  /** The server inspector's state, sent whenever it changes. */
  snapshot: InspectorSnapshot;
  /** The lab is gone for good: evicted when idle, deleted, or its process restarted. */
  closed: undefined;
}

type Listeners = { [K in keyof LabFeedEvents]: GatedListeners<LabFeedEvents[K]> };

/**
 * What the lab's server streams: its log, the inspector's snapshots, and the news that the lab has closed.
 * One stream per lab session, whatever shows it: views, the timeline and the exercise judge subscribe here.
 */
export class LabFeed {
  /** The newest inspector snapshot, once one has arrived. */
  snapshot: InspectorSnapshot | undefined;
  closed = false;
  private readonly listeners: Listeners = { entry: new GatedListeners(), snapshot: new GatedListeners(), closed: new GatedListeners() };
  private readonly stop: () => void;

  constructor(
    lab: LabInfo,
    origin: string = location.origin,
    /** Where its news waits while the page's views are still loading (event-gate.ts); open by default. */
    private readonly gate: EventGate = EventGate.open(),
  ) {
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

  on<K extends keyof LabFeedEvents>(event: K, listener: (value: LabFeedEvents[K]) => void, options?: ListenOptions): () => void {
    return this.listeners[event].add(listener, options);
  }

  close(): void {
    this.stop();
    for (const listeners of Object.values(this.listeners)) listeners.clear();
  }

  private emitTo<K extends keyof LabFeedEvents>(event: K, value: LabFeedEvents[K]): void {
    this.listeners[event].emit(this.gate, value);
  }
}
