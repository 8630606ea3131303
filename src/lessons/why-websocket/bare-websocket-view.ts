import type { LabInfo } from "../../shared/lab-api.js";
import { bareWebSocketUrl, speakSocketIo, type BareFrame } from "../../client/bare-websocket.js";
import { part } from "../../client/ui/dom.js";

/** The name the lab knows the bare WebSocket by, in its server log and inspector. */
const BARE_CLIENT = "Bare";
/** Ticks arrive every second or so: keep the latest frames, not all of them. */
const MAX_FRAMES = 40;

function frameItem({ direction, frame, meaning }: BareFrame): HTMLLIElement {
  const item = document.createElement("li");
  const code = document.createElement("code");
  code.textContent = frame;
  item.append(`${direction === "sent" ? "→ sent" : "← received"} `, code, ` · ${meaning}`);
  return item;
}

/** Opens and closes a bare WebSocket to the lab, listing each frame it sends and receives with its meaning. */
export function mountBareWebSocket(root: HTMLElement, lab: LabInfo): void {
  const toggle = part<HTMLButtonElement>(root, ".bare-toggle");
  const status = part<HTMLElement>(root, ".bare-status");
  const frames = part<HTMLOListElement>(root, ".bare-frames");
  let socket: WebSocket | undefined;

  const show = (frame: BareFrame) => {
    if (frame.direction === "received" && frame.frame.startsWith("40")) status.textContent = "Bare: connected to Socket.IO";
    frames.append(frameItem(frame));
    while (frames.children.length > MAX_FRAMES) frames.firstElementChild?.remove();
  };

  toggle.addEventListener("click", () => {
    if (socket) {
      socket.close();
      return;
    }
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
