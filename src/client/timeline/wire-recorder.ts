import { decodeEnginePacket, summarize } from "../../shared/frame-decoder.js";
import type { ServerLogEntry } from "../../shared/server-log.js";
import { describeValue } from "../../shared/wire.js";
import type { VirtualClient } from "../virtual-client.js";
import { faultSummary, faultedFramesOf } from "./packet-fault-marks.js";
import { SERVER_LANE, type Timeline } from "./timeline.js";

/**
 * Records what one client's real engine reports into the timeline: every packet in and out, the upgrade
 * steps, emits queued while disconnected and their flush, and what a recovered connect replayed.
 */
export function recordClient(timeline: Timeline, client: VirtualClient): () => void {
  const lane = client.name;
  // A recovering server replays missed events before its CONNECT, and the client holds them until its
  // `connect` event: events that arrive between the engine's open and `connect` are those replayed ones.
  // Between the CONNECT and `connect`, the client flushes its send buffer.
  let opening = false;
  let connecting = false;
  let arrivedWhileConnecting: { seq: number; offset?: string }[] = [];
  let lastStatus = "";
  const faulted = faultedFramesOf(timeline);
  // The timeline is the session's record, not a view: it notes each report as it happens, also while the
  // page's views are still loading (event-gate.ts).
  const now = { immediate: true };

  const stops = [
    client.on(
      "wire",
      ({ at, direction, type, data }) => {
        const frame = decodeEnginePacket(type, data);
        const packet = frame.packet;
        if (direction === "to-client" && frame.engine === "open") {
          opening = true;
          arrivedWhileConnecting = [];
          // A new connection: Socket.IO's ack ids restart, so pending asks of the old one cannot be answered.
          timeline.forgetAsks(lane);
        }
        if (direction === "to-client" && packet?.type === "CONNECT") connecting = true;
        const flushed = connecting && direction === "to-server" && packet !== undefined;
        const entry = timeline.add({
          at,
          lane,
          direction,
          frame,
          summary: summarize(frame),
          ...(frame.engine === "ping" || frame.engine === "pong" ? { heartbeat: !frame.probe } : {}),
          ...(flushed ? { mark: "flushed" as const } : {}),
        });
        faulted.arrived(entry);
        if (opening && direction === "to-client" && packet?.type === "EVENT") {
          const last = packet.args?.at(-1);
          arrivedWhileConnecting.push({ seq: entry.seq, ...(typeof last === "string" ? { offset: last } : {}) });
        }
      },
      now,
    ),
    client.on(
      "transport",
      ({ at, stage, transport }) => {
        const summary = stage === "upgrading" ? `probe answered: upgrading to ${transport}` : `now on ${transport}`;
        timeline.add({ at, lane, direction: "none", summary, mark: "status" });
      },
      now,
    ),
    client.on(
      "buffered",
      ({ at, event, args, queued }) => {
        const shown = args.map(describeValue).join(", ");
        timeline.add({ at, lane, direction: "none", summary: `queued ${event}(${shown}): ${queued} in the send buffer`, mark: "buffered" });
      },
      now,
    ),
    client.on(
      "status",
      (status) => {
        const at = Date.now();
        // A transport upgrade re-reports "connected": only changes of state belong on the lane.
        const key =
          status.state === "connected"
            ? `connected ${status.socketId}`
            : status.state === "disconnected"
              ? `${status.state} ${status.reason}`
              : status.state;
        if (key === lastStatus) return;
        lastStatus = key;
        if (status.state === "connected") {
          if (status.recovered && arrivedWhileConnecting.length > 0) {
            const offsets = new Map(arrivedWhileConnecting.flatMap(({ seq, offset }) => (offset ? [[seq, offset] as const] : [])));
            timeline.mark(
              arrivedWhileConnecting.map(({ seq }) => seq),
              "recovered",
              offsets,
            );
          }
          opening = false;
          connecting = false;
          arrivedWhileConnecting = [];
          const recovered = status.recovered ? " (recovered)" : "";
          timeline.add({ at, lane, direction: "none", summary: `connected as ${status.socketId}${recovered}`, mark: "status" });
        } else if (status.state === "disconnected") {
          opening = false;
          connecting = false;
          const why = status.description ? `${status.reason}: ${status.description}` : status.reason;
          timeline.add({ at, lane, direction: "none", summary: `disconnected (${why})`, mark: "status" });
        }
      },
      now,
    ),
  ];
  return () => stops.forEach((stop) => stop());
}

/** What only the server saw goes on its lane: connections, disconnect reasons, faults, refusals. */
export function recordServerLog(timeline: Timeline, entry: ServerLogEntry): void {
  const lane = SERVER_LANE;
  const { at } = entry;
  switch (entry.kind) {
    case "connect":
      timeline.add({ at, lane, direction: "none", summary: `${entry.client} connected (${entry.socketId})`, mark: "status" });
      break;
    case "disconnect":
      timeline.add({ at, lane, direction: "none", summary: `${entry.client} disconnected: ${entry.reason}`, mark: "status" });
      break;
    case "fault":
      // A packet fault marks the faulted frame's own row on the client's lane; a link fault is a note on
      // that lane, a restart one on the server's.
      if (entry.packet && entry.client) {
        faultedFramesOf(timeline).fault({ at, lane: entry.client, message: entry.message, packet: entry.packet });
        break;
      }
      timeline.add({ at, lane: entry.client ?? lane, direction: "none", summary: faultSummary(entry), mark: "fault" });
      break;
    case "room":
      timeline.add({ at, lane, direction: "none", summary: `${entry.client} ${entry.action} room "${entry.room}"`, mark: "status" });
      break;
    case "refused":
      timeline.add({ at, lane, direction: "none", summary: `${entry.client} refused: ${entry.message}`, mark: "fault" });
      break;
    default:
      break;
  }
}
