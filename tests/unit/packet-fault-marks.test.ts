import { afterEach, describe, expect, it, vi } from "vitest";
import { FAULT_WAIT_MS, FaultedFrames, faultSummary } from "../../src/client/timeline/packet-fault-marks.js";
import { Timeline, type TimelineEntry } from "../../src/client/timeline/timeline.js";
import { recordServerLog } from "../../src/client/timeline/wire-recorder.js";
import { faultFromForm } from "../../src/client/ui/packet-faults-view.js";
import { decodeFrame, summarize } from "../../src/shared/frame-decoder.js";
import type { PacketFaultMark } from "../../src/shared/packet-faults.js";

/** A frame on Alice's wire, as her recorder adds it, handed to the marker as the recorder does. */
function wire(timeline: Timeline, marker: FaultedFrames, direction: "to-server" | "to-client", raw: string): TimelineEntry {
  const frame = decodeFrame(raw);
  const entry = timeline.add({ at: Date.now(), lane: "Alice", direction, frame, summary: summarize(frame) });
  marker.arrived(entry);
  return entry;
}

function line(action: PacketFaultMark["action"], direction: PacketFaultMark["direction"], frame: string, message: string) {
  return { at: Date.now(), lane: "Alice", message, packet: { faultId: "pf1", action, direction, frame } };
}

const faulted = (timeline: Timeline) => timeline.entries.filter((entry) => entry.fault);

describe("the timeline's packet fault marks on the faulted frame's own row", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a dropped ack to Alice, which never arrives, is one row on her lane where it would have crossed, marked dropped", () => {
    const timeline = new Timeline();
    const marker = new FaultedFrames(timeline);
    const emit = wire(timeline, marker, "to-server", '420["add",2,3]');
    marker.fault(line("dropped", "toClient", "430[5]", "dropped ack 0 to Alice (drop next 1 ack)"));
    expect(timeline.entries).toHaveLength(2);
    const dropped = timeline.entries[1]!;
    expect(dropped).toMatchObject({
      lane: "Alice",
      direction: "to-client",
      frame: { raw: "430[5]" },
      fault: { action: "dropped", label: "✂ dropped", text: "✂ dropped ack 0 to Alice (drop next 1 ack)" },
    });
    // It answered nothing: Alice's emit is still unanswered.
    expect(dropped.ackOf).toBeUndefined();
    expect(emit.ackedBy).toBeUndefined();
  });

  it("a frame Alice sent that the link dropped or delayed marks her own row, adding none", () => {
    const timeline = new Timeline();
    const marker = new FaultedFrames(timeline);
    const first = wire(timeline, marker, "to-server", '42["chat","a"]');
    const sent = wire(timeline, marker, "to-server", '42["chat","a"]');
    marker.fault(line("dropped", "toServer", '42["chat","a"]', "dropped event chat from Alice (drop next 1 event chat)"));
    expect(timeline.entries).toHaveLength(2);
    // The newest of the two copies is the one the fault met.
    expect(first.fault).toBeUndefined();
    expect(sent.fault).toMatchObject({ action: "dropped", label: "✂ dropped" });
    // Whatever shows a row's summary (the diagram, the table, a bug report) says it first.
    expect(sent.summary).toBe(`✂ dropped · ${summarize(decodeFrame('42["chat","a"]'))}`);
    const ack = wire(timeline, marker, "to-server", "431[1]");
    marker.fault(line("delayed", "toServer", "431[1]", "delayed ack 1 from Alice by 750 ms (delay acks from Alice by 750 ms)"));
    expect(ack.fault).toMatchObject({ action: "delayed", label: "⏱ delayed 750 ms" });
    expect(timeline.entries).toHaveLength(3);
  });

  it("a duplicated event to Alice marks its second copy, whether the line comes before the copies or after", () => {
    const timeline = new Timeline();
    const marker = new FaultedFrames(timeline);
    marker.fault(line("duplicated", "toClient", '42["news",1]', "duplicated event news to Alice (duplicate next 1 event)"));
    const one = wire(timeline, marker, "to-client", '42["news",1]');
    const two = wire(timeline, marker, "to-client", '42["news",1]');
    expect(one.fault).toBeUndefined();
    expect(two.fault).toMatchObject({ action: "duplicated", label: "⧉ duplicated: the second copy" });

    const three = wire(timeline, marker, "to-client", '42["news",2]');
    const four = wire(timeline, marker, "to-client", '42["news",2]');
    marker.fault(line("duplicated", "toClient", '42["news",2]', "duplicated event news to Alice (duplicate next 1 event)"));
    expect(three.fault).toBeUndefined();
    expect(four.fault?.action).toBe("duplicated");
    expect(timeline.entries).toHaveLength(4);
  });

  it("Alice's event duplicated on its way to the server: the server's second copy is a row of its own after hers", () => {
    const timeline = new Timeline();
    const marker = new FaultedFrames(timeline);
    const sent = wire(timeline, marker, "to-server", '42["chat","x"]');
    marker.fault(line("duplicated", "toServer", '42["chat","x"]', "duplicated event chat from Alice (duplicate next 1 event)"));
    expect(sent.fault).toBeUndefined();
    expect(timeline.entries.at(-1)).toMatchObject({
      direction: "to-server",
      frame: { raw: '42["chat","x"]' },
      fault: { action: "duplicated" },
    });
  });

  it("a delayed ack to Alice marks the ack when it arrives, with its delay; the connection closing marks the frame it closed after", () => {
    const timeline = new Timeline();
    const marker = new FaultedFrames(timeline);
    marker.fault(line("delayed", "toClient", "430[5]", "delayed ack 0 to Alice by 500 ms (delay acks to Alice by 500 ms)"));
    expect(timeline.entries).toHaveLength(0);
    const other = wire(timeline, marker, "to-client", '42["news"]');
    const ack = wire(timeline, marker, "to-client", "430[5]");
    expect(other.fault).toBeUndefined();
    expect(ack.fault).toMatchObject({
      action: "delayed",
      label: "⏱ delayed 500 ms",
      text: "⏱ delayed ack 0 to Alice by 500 ms (delay acks to Alice by 500 ms)",
    });

    const last = wire(timeline, marker, "to-client", '42["news",9]');
    marker.fault(line("closed", "toClient", '42["news",9]', "closed Alice's connection after event news to Alice (close after 1 packet)"));
    expect(last.fault).toMatchObject({ action: "closed", label: "⛔ closed after this" });
    expect(faulted(timeline)).toHaveLength(2);
  });

  it("a mark whose frame never crosses (the connection died first) gets a row of its own after a while, not lost", () => {
    vi.useFakeTimers();
    const timeline = new Timeline();
    const marker = new FaultedFrames(timeline);
    marker.fault(line("delayed", "toClient", "431[7]", "delayed ack 1 to Alice by 500 ms (delay acks to Alice by 500 ms)"));
    // Its delay and FAULT_WAIT_MS more.
    vi.advanceTimersByTime(FAULT_WAIT_MS + 499);
    expect(timeline.entries).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(timeline.entries).toHaveLength(1);
    expect(timeline.entries[0]).toMatchObject({ lane: "Alice", direction: "to-client", fault: { action: "delayed" } });
    // A frame crossing later is not marked a second time.
    expect(wire(timeline, marker, "to-client", "431[7]").fault).toBeUndefined();
    // A long delay is waited for as long as it lasts, and then some.
    marker.fault(line("delayed", "toClient", "432[8]", "delayed ack 2 to Alice by 8000 ms (delay acks to Alice by 8000 ms)"));
    vi.advanceTimersByTime(FAULT_WAIT_MS + 7999);
    expect(wire(timeline, marker, "to-client", "432[8]").fault?.label).toBe("⏱ delayed 8000 ms");
  });

  it("the server log recorder hands packet fault lines to the marker and keeps a link fault's lightning note", () => {
    const timeline = new Timeline();
    recordServerLog(timeline, {
      at: 1,
      kind: "fault",
      client: "Alice",
      message: "dropped ack 0 to Alice (drop next 1 ack)",
      packet: { faultId: "pf1", action: "dropped", direction: "toClient", frame: '430["ok"]' },
    });
    recordServerLog(timeline, { at: 2, kind: "fault", client: "Alice", message: "Drop: the connection is cut" });
    expect(timeline.entries.map(({ lane, direction, summary, fault }) => ({ lane, direction, summary, action: fault?.action }))).toEqual([
      { lane: "Alice", direction: "to-client", summary: `✂ dropped · ${summarize(decodeFrame('430["ok"]'))}`, action: "dropped" },
      { lane: "Alice", direction: "none", summary: "⚡ Drop: the connection is cut", action: undefined },
    ]);
    expect(faultSummary({ message: "Drop: the connection is cut" })).toBe("⚡ Drop: the connection is cut");
  });

  it("an imported timeline keeps well-formed marks and leaves off any other", () => {
    const timeline = new Timeline();
    const fault = { action: "dropped", label: "✂ dropped", text: "✂ dropped ack 0 to Alice" };
    const entries = [
      { seq: 1, at: 1, lane: "Alice", direction: "to-client", summary: "ack", fault },
      { seq: 2, at: 2, lane: "Alice", direction: "to-client", summary: "ack", fault: { action: "exploded", label: 1 } },
    ];
    timeline.import(JSON.stringify({ version: 1, entries }));
    expect(timeline.entries.map((entry) => entry.fault)).toEqual([fault, undefined]);
  });
});

describe("the panel's packet fault form", () => {
  it("makes each fault type, naming an event only for events", () => {
    const base = { direction: "toServer", kind: "event", event: " chat ", count: 2 };
    expect(faultFromForm({ ...base, type: "drop-next" })).toEqual({
      type: "drop",
      direction: "toServer",
      match: { kind: "event", event: "chat" },
      next: 2,
    });
    expect(faultFromForm({ ...base, type: "drop-every", kind: "ack" })).toEqual({
      type: "drop",
      direction: "toServer",
      match: { kind: "ack" },
      every: 2,
    });
    expect(faultFromForm({ ...base, type: "delayAcks", count: 500 })).toEqual({ type: "delayAcks", direction: "toServer", delayMs: 500 });
    expect(faultFromForm({ ...base, type: "duplicate", event: "" })).toEqual({
      type: "duplicate",
      direction: "toServer",
      match: { kind: "event" },
      next: 2,
    });
    expect(faultFromForm({ ...base, type: "closeAfter" })).toEqual({ type: "closeAfter", direction: "toServer", packets: 2 });
  });
});
