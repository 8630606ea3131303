import type { LabInfo } from "../../shared/lab-api.js";
import type { LinkTraffic } from "../../shared/network.js";
import type { Tick } from "./events.js";
import { FeedStats } from "../../client/feed/feed-stats.js";
import { Poller } from "../../client/feed/poller.js";
import type { Timeline } from "../../client/timeline/timeline.js";
import { VirtualClient } from "../../client/virtual-client.js";
import { recordClient } from "../../client/timeline/wire-recorder.js";
import { formatBytes, groupDigits } from "../../client/ui/format.js";
import { part } from "../../client/ui/dom.js";

/** The two clients' names: the lab counts each one's traffic under its name. */
export const POLL_CLIENT = "Poll";
export const PUSH_CLIENT = "Push";

const ms = (value: number | undefined) => (value === undefined ? "–" : `${groupDigits(value)} ms`);

/**
 * The Why WebSocket demo: a `fetch` loop and a real Socket.IO client follow the same server counter. Each
 * table cell shows a measurement: staleness from the server's own timestamps, requests and bytes from the
 * lab's counts. Returns what the lab's snapshots feed it (the traffic counts).
 */
export function mountPollVsPush(root: HTMLElement, lab: LabInfo, timeline: Timeline): (links: LinkTraffic[]) => void {
  const cell = (name: string) => part<HTMLElement>(root, `[data-cell="${name}"]`);
  const toggle = part<HTMLButtonElement>(root, ".poll-toggle");
  const interval = part<HTMLInputElement>(root, "input[name=poll-interval]");
  const pushStatus = part<HTMLElement>(root, ".push-status");
  const error = part<HTMLElement>(root, ".feed-error");

  const showStats = (side: "poll" | "push", stats: FeedStats) => {
    cell(`${side}-value`).textContent = stats.value === undefined ? "–" : String(stats.value);
    cell(`${side}-stale-last`).textContent = ms(stats.lastStaleMs);
    cell(`${side}-stale-average`).textContent = ms(stats.averageStaleMs);
    cell(`${side}-unchanged`).textContent = String(stats.unchanged);
    cell(`${side}-missed`).textContent = String(stats.missed);
  };

  // Push: a real client, WebSocket only, so every byte after the handshake is a frame.
  const pushStats = new FeedStats();
  const push = new VirtualClient(PUSH_CLIENT, lab, "websocket");
  recordClient(timeline, push);
  push.on("status", (status) => {
    pushStatus.textContent =
      status.state === "connected"
        ? `Push: connected over ${status.transport}`
        : status.state === "connecting"
          ? "Push: connecting…"
          : `Push: disconnected (${status.reason})`;
  });
  push.on("received", (entry) => {
    if (entry.event !== "tick") return;
    pushStats.add(entry.args[0] as Tick);
    showStats("push", pushStats);
  });

  // Polling: fetch on a timer, one request at a time.
  const pollStats = new FeedStats();
  const readInterval = () => Math.min(10_000, Math.max(100, Number(interval.value) || 1000));
  const poller = new Poller(`${lab.httpPath}/tick?client=${POLL_CLIENT}`, readInterval(), {
    onAnswer: ({ startedAt, at, status, tick }) => {
      if (error.textContent) error.textContent = "";
      timeline.add({ at: startedAt, lane: POLL_CLIENT, direction: "to-server", summary: "GET /tick" });
      const reading = tick ? pollStats.add(tick) : undefined;
      const news = reading ? (reading.fresh ? `value ${reading.tick.n}` : `value ${reading.tick.n} again, nothing new`) : "no value";
      timeline.add({ at, lane: POLL_CLIENT, direction: "to-client", summary: `${status} · ${news}` });
      showStats("poll", pollStats);
    },
    onError: (message) => {
      const text = `The poll failed: ${message}. It tries again at the next interval.`;
      // Set only on a change, so a screen reader hears it once rather than at every failed poll.
      if (error.textContent !== text) error.textContent = text;
    },
  });
  interval.addEventListener("change", () => {
    interval.value = String(readInterval());
    poller.setInterval(readInterval());
  });
  toggle.addEventListener("click", () => {
    if (poller.active) poller.stop();
    else poller.start();
    // The label says what a press does next; the state is in the label, so no aria-pressed as well.
    toggle.dataset.running = String(poller.active);
    toggle.textContent = poller.active ? "Stop polling" : "Start polling";
  });

  return (links) => {
    for (const [side, name] of [
      ["poll", POLL_CLIENT],
      ["push", PUSH_CLIENT],
    ] as const) {
      const traffic = links.find((link) => link.client === name);
      if (!traffic) continue;
      cell(`${side}-requests`).textContent = String(traffic.requests);
      cell(`${side}-up`).textContent = formatBytes(traffic.bytesToServer);
      cell(`${side}-down`).textContent = formatBytes(traffic.bytesToClient);
    }
  };
}
