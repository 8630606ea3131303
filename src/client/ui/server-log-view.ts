import type { ServerLogEntry } from "../../shared/server-log.js";
import type { LabFeed } from "../lab-feed.js";
import { decodeFrame } from "../../shared/frame-decoder.js";
import { PageFrames } from "../timeline/page-frames.js";
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
  // The page's own frames (see page-frames.ts) stay in the log, as the server did see them, but dimmed
  // and labelled, so they do not read as the learner's. One matcher per socket: ack ids are per socket.
  const pageFrames = new Map<string, PageFrames>();
  const pageReason = (entry: ServerLogEntry): string | undefined => {
    if (entry.kind === "disconnect") pageFrames.delete(entry.socketId);
    if (entry.kind !== "received" && entry.kind !== "sent") return undefined;
    const packet = decodeFrame(entry.frame).packet;
    if (!packet) return undefined;
    let frames = pageFrames.get(entry.socketId);
    if (!frames) pageFrames.set(entry.socketId, (frames = new PageFrames()));
    return frames.classify(entry.kind === "received" ? "to-server" : "to-client", packet);
  };
  return feed.on("entry", (entry) => {
    const item = logItem(entry.at);
    item.dataset.kind = entry.kind;
    item.append(describe(entry));
    const page = pageReason(entry);
    if (page !== undefined) {
      item.dataset.page = "";
      item.append(` · the page's own: ${page}`);
    }
    appendToLog(list, item);
  });
}
