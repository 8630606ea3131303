import { describe, expect, it } from "vitest";
import type { BareFrame } from "../../src/client/bare-websocket.js";
import { addFrame, type FrameRow } from "../../src/lessons/why-websocket/bare-frame-rows.js";

const tick = (n: number): BareFrame => ({ direction: "received", frame: `42["tick",{"n":${n}}]`, meaning: "Socket.IO EVENT" });
const ping: BareFrame = { direction: "received", frame: "2", meaning: "Engine.IO ping" };
const pong: BareFrame = { direction: "sent", frame: "3", meaning: "Engine.IO pong" };
const hello: BareFrame = { direction: "sent", frame: '42["hello","from a bare WebSocket"]', meaning: "Socket.IO EVENT hello" };

const fill = (frames: BareFrame[], max = 40) => frames.reduce<FrameRow[]>((rows, frame) => addFrame(rows, frame, max), []);
const shown = (rows: FrameRow[]) => rows.map((row) => `${row.frame.frame} ×${row.count}`);

describe("the bare WebSocket's frame rows", () => {
  it("counts the counter's ticks in one row that shows the newest, across the heartbeat between them", () => {
    const rows = fill([hello, tick(1), tick(2), ping, pong, tick(3)]);
    expect(shown(rows)).toEqual(['42["hello","from a bare WebSocket"] ×1', "2 ×1", "3 ×1", '42["tick",{"n":3}] ×3']);
  });

  it("counts pings and pongs in a row each", () => {
    const rows = fill([tick(1), ping, pong, tick(2), ping, pong]);
    expect(shown(rows)).toEqual(['42["tick",{"n":2}] ×2', "2 ×2", "3 ×2"]);
  });

  it("starts new rows after a frame that does not repeat", () => {
    const rows = fill([tick(1), tick(2), hello, tick(3)]);
    expect(shown(rows)).toEqual(['42["tick",{"n":2}] ×2', '42["hello","from a bare WebSocket"] ×1', '42["tick",{"n":3}] ×1']);
  });

  it("keeps the newest rows only", () => {
    const rows = fill([hello, hello, hello, tick(1)], 2);
    expect(shown(rows)).toEqual(['42["hello","from a bare WebSocket"] ×1', '42["tick",{"n":1}] ×1']);
  });
});
