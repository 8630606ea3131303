import type { ServerLogEntry } from "../../shared/server-log.js";
import type { LabFeed } from "../lab-feed.js";
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

/** Shows the lab server's log as its feed streams it. Returns a function that stops listening. */
export function showServerLog(list: HTMLElement, feed: LabFeed): () => void {
  return feed.on("entry", (entry) => {
    const item = logItem(entry.at);
    item.dataset.kind = entry.kind;
    item.append(describe(entry));
    appendToLog(list, item);
  });
}
