import type { BareFrame } from "../../client/bare-websocket.js";

/** One row of the bare WebSocket's frame list: a frame, or the newest of several alike. */
export interface FrameRow {
  frame: BareFrame;
  count: number;
  /** Set for the frames that repeat while nothing else happens (see `repeatKey`). */
  key?: string;
}

/**
 * Frames that come again and again while the learner does nothing: the counter's `tick` (every second)
 * and the heartbeat's ping and pong (every pingInterval). Each of them shares one counted row.
 */
export function repeatKey({ direction, frame }: BareFrame): string | undefined {
  if (direction === "received" && frame === "2") return "ping";
  if (direction === "sent" && frame === "3") return "pong";
  if (direction === "received" && frame.startsWith('42["tick"')) return "tick";
  return undefined;
}

/**
 * The rows after `frame` arrives. A repeating frame joins its kind's row in the trailing run of repeating
 * rows, which then moves to the end, so the newest row is the newest frame; any other frame ends the run
 * and gets a row of its own, as does the next repeat after it. Keeps the newest `max` rows.
 */
export function addFrame(rows: readonly FrameRow[], frame: BareFrame, max: number): FrameRow[] {
  const key = repeatKey(frame);
  let runStart = rows.length;
  while (runStart > 0 && rows[runStart - 1]?.key !== undefined) runStart -= 1;
  const index = key === undefined ? -1 : rows.findIndex((row, at) => at >= runStart && row.key === key);
  const joined = index === -1 ? undefined : rows[index];
  const next = joined ? [...rows.slice(0, index), ...rows.slice(index + 1)] : [...rows];
  next.push({ frame, count: (joined?.count ?? 0) + 1, ...(key !== undefined && { key }) });
  return next.slice(-max);
}
