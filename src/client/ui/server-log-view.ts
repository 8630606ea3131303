import type { InspectorSnapshot } from "../../shared/inspector.js";
import type { LabInfo } from "../../shared/lab-api.js";
import type { ServerLogEntry } from "../../shared/server-log.js";
import { appendToLog, logItem } from "./format.js";

function describe(entry: ServerLogEntry): string {
  switch (entry.kind) {
    case "connect":
      return `${entry.client} connected (id ${entry.socketId}, ${entry.transport})`;
    case "disconnect":
      return `${entry.client} disconnected: ${entry.reason}${entry.description ? ` (${entry.description})` : ""}`;
    case "received":
      return `← ${entry.client} ${entry.frame}`;
    case "sent":
      return `→ ${entry.client} ${entry.frame}`;
    case "upgrade":
      return `${entry.client} upgraded to ${entry.transport}`;
    case "refused":
      return `${entry.client} refused: ${entry.message}`;
    case "log":
      return `log: ${entry.message}`;
    case "room":
      return `${entry.client} ${entry.action} room "${entry.room}"`;
    case "http": {
      // Packets batched in one polling body are joined by the record separator (0x1E): show it as ␞.
      const body = entry.body ? ` · ${entry.body.replaceAll("\x1e", "␞")}` : "";
      return `${entry.client} ${entry.method} ${entry.path} → ${entry.status === 0 ? "cut" : entry.status} · ${entry.bytesToServer} B up, ${entry.bytesToClient} B down${body}`;
    }
    case "fault":
      return `⚡ ${entry.client ? `${entry.client}: ` : ""}${entry.message}`;
  }
}

/**
 * Shows the lab server's log as the server streams it. Returns a function that stops listening.
 * `onClosed` is told when the stream is gone for good, e.g. the lab was evicted.
 */
export interface ServerStreamHandlers {
  onEntry(entry: ServerLogEntry): void;
  onSnapshot(snapshot: InspectorSnapshot): void;
  onClosed(): void;
}

export function showServerLog(list: HTMLElement, lab: LabInfo, handlers: ServerStreamHandlers): () => void {
  const { onEntry, onSnapshot, onClosed } = handlers;
  const source = new EventSource(lab.logUrl);
  source.addEventListener("inspector", (message: MessageEvent<string>) => {
    onSnapshot(JSON.parse(message.data) as InspectorSnapshot);
  });
  source.addEventListener("message", (message: MessageEvent<string>) => {
    const entry = JSON.parse(message.data) as ServerLogEntry;
    onEntry(entry);
    const item = logItem(entry.at);
    item.dataset.kind = entry.kind;
    item.append(describe(entry));
    appendToLog(list, item);
  });
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) onClosed();
  });
  return () => source.close();
}
