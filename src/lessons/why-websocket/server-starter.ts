import type { Server } from "socket.io";
import type { LabContext } from "../lab-context.js";
import type { ClientToServerEvents, ServerToClientEvents, Tick } from "./events.js";

/** Numbers you can change on the page while the lab runs: the handlers read their current values from `settings`. */
export const settings = {
  tickMs: { label: "Counter changes every (ms)", default: 1000, min: 200, max: 10_000 },
};

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { settings, get, onClose }: LabContext) => {
  // The feed: one value that changes on the server, whoever is watching.
  let current = { n: 0, changedAt: Date.now() };
  let timer = setTimeout(change, settings.tickMs);
  onClose(() => clearTimeout(timer));

  function change() {
    const now = Date.now();
    current = { n: current.n + 1, changedAt: now };
    // Push: the server speaks first, to every connected client, the moment the value changes.
    const tick: Tick = { ...current, sentAt: now };
    // Push `tick` to every connected client here.
    void tick;
    timer = setTimeout(change, settings.tickMs);
  }

  // Polling: the client has to ask. The server can only answer with the value it holds when the request
  // arrives, however long ago that value changed.
  get("/tick", (_req, res) => {
    const tick: Tick = { ...current, sentAt: Date.now() };
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(tick));
  });
};
