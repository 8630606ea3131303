import type { LabInfo } from "../../shared/lab-api.js";
import { bareWebSocketUrl, speakSocketIo, type BareFrame } from "../../client/bare-websocket.js";
import { part } from "../../client/ui/dom.js";
import { addFrame, type FrameRow } from "./bare-frame-rows.js";

/** The name the lab knows the bare WebSocket by, in its server log and inspector. */
const BARE_CLIENT = "Bare";
/** The newest rows the list keeps: a long session must not grow the page without end. */
const MAX_ROWS = 40;

function frameItem({ frame: { direction, frame, meaning }, count }: FrameRow): HTMLLIElement {
  const item = document.createElement("li");
  const code = document.createElement("code");
  code.textContent = frame;
  item.append(`${direction === "sent" ? "→ sent" : "← received"} `, code, ` · ${meaning}`);
  if (count > 1) {
    const times = document.createElement("strong");
    times.textContent = ` ×${count}`;
    item.append(times, " (the newest shown)");
  }
  return item;
}

/** Opens and closes a bare WebSocket to the lab, listing each frame it sends and receives with its meaning. */
export function mountBareWebSocket(root: HTMLElement, lab: LabInfo): void {
  const toggle = part<HTMLButtonElement>(root, ".bare-toggle");
  const status = part<HTMLElement>(root, ".bare-status");
  const frames = part<HTMLOListElement>(root, ".bare-frames");
  let socket: WebSocket | undefined;
  // The counter's ticks and the heartbeat would add a row a second: each kind shares a counted row instead.
  let rows: FrameRow[] = [];

  const show = (frame: BareFrame) => {
    if (frame.direction === "received" && frame.frame.startsWith("40")) status.textContent = "Bare: connected to Socket.IO";
    rows = addFrame(rows, frame, MAX_ROWS);
    frames.replaceChildren(...rows.map(frameItem));
  };

  toggle.addEventListener("click", () => {
    if (socket) {
      socket.close();
      return;
    }
    rows = [];
    frames.replaceChildren();
    const opened = new WebSocket(bareWebSocketUrl(location.origin, lab.path, BARE_CLIENT));
    socket = opened;
    status.textContent = "Bare: opening…";
    toggle.textContent = "Close the bare WebSocket";
    speakSocketIo(opened, show, (code) => {
      if (socket === opened) socket = undefined;
      status.textContent = `Bare: closed (code ${code})`;
      toggle.textContent = "Open a bare WebSocket";
    });
  });
}
