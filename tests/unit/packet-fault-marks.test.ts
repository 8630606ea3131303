import { describe, expect, it } from "vitest";
import { faultSummary } from "../../src/client/timeline/packet-fault-marks.js";
import { faultFromForm } from "../../src/client/ui/packet-faults-view.js";

describe("the timeline's packet fault marks", () => {
  it("say with an icon and words what was done to which packet, and keep other faults' lightning", () => {
    const packet = { faultId: "pf1", action: "dropped", direction: "toClient", frame: '430["ok"]' } as const;
    expect(faultSummary({ message: "dropped ack 0 to Alice (drop next 1 ack)", packet })).toBe(
      '✂ packet fault: dropped ack 0 to Alice (drop next 1 ack): 430["ok"]',
    );
    expect(faultSummary({ message: "Drop: the connection is cut" })).toBe("⚡ Drop: the connection is cut");
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
