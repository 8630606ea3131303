import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLab } from "../../src/client/lab-api.js";
import { createLabControl } from "../../src/client/lab-control.js";
import { LabSession } from "../../src/client/lab-session.js";
import type { TimelineEntry } from "../../src/client/timeline/timeline.js";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { newLearner, startServer } from "../support/server.js";

// A real Emit lab and the page's own library (LabSession: its clients' wire and the server log on one
// timeline): a packet fault's mark lands on the faulted frame's own row, whichever of the two channels
// tells the page first.

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

const aliceFrames = (session: LabSession, direction: TimelineEntry["direction"], start: string) =>
  session.timeline.entries.filter((entry) => entry.lane === "Alice" && entry.direction === direction && entry.frame?.raw.startsWith(start));
/** A separate note about a faulted packet, as a fault line used to be: none is left (setting a fault keeps its note). */
const faultNotes = (session: LabSession) =>
  session.timeline.entries.filter(
    (entry) => entry.lane === "Alice" && entry.mark === "fault" && !entry.summary.startsWith("⚡ Packet fault: "),
  );

for (const transport of ["websocket", "polling"] as const) {
  describe(`packet fault marks on the timeline over ${transport}`, () => {
    async function open() {
      const session = new LabSession(await openLab("emit", newLearner(), running.origin), running.origin);
      const alice = session.addClient("Alice", { transport });
      const bob = session.addClient("Bob", { transport });
      await expect.poll(() => [alice.status.state, bob.status.state], { timeout: 8000 }).toEqual(["connected", "connected"]);
      return { session, alice, bob, control: createLabControl(running.origin) };
    }

    it("a dropped ack to Alice is one row on her lane, marked dropped; her delayed ack's own row says its delay", async () => {
      const { session, alice, control } = await open();
      try {
        await control.addPacketFault(session.lab, "Alice", { type: "drop", direction: "toClient", match: { kind: "ack" }, next: 1 });
        void alice.emit("greet", ["lost"], { kind: "callback", timeoutMs: 500 });
        await expect
          .poll(() => aliceFrames(session, "to-client", "43").map((entry) => entry.fault?.label), { timeout: 8000 })
          .toEqual(["✂ dropped"]);
        await control.addPacketFault(session.lab, "Alice", { type: "delayAcks", direction: "toClient", delayMs: 300 });
        void alice.emit("greet", ["late"], { kind: "callback" });
        await expect
          .poll(() => aliceFrames(session, "to-client", "43").map((entry) => entry.fault?.label), { timeout: 8000 })
          .toEqual(["✂ dropped", "⏱ delayed 300 ms"]);
        // The delayed ack arrived and answers Alice's emit; the dropped one answers nothing.
        const [dropped, delayed] = aliceFrames(session, "to-client", "43");
        expect(dropped?.ackOf).toBeUndefined();
        expect(delayed?.ackOf).toBeDefined();
        expect(faultNotes(session)).toEqual([]);
      } finally {
        session.close();
      }
    });

    it("Alice's event dropped on its way to the server marks the row of her sending it; the packet a connection closes after marks its row", async () => {
      const { session, alice, bob, control } = await open();
      try {
        await control.addPacketFault(session.lab, "Alice", {
          type: "drop",
          direction: "toServer",
          match: { kind: "event", event: "greet" },
          next: 1,
        });
        void alice.emit("greet", ["unsent"], null);
        await expect
          .poll(() => aliceFrames(session, "to-server", '42["greet","unsent"').map((entry) => entry.fault?.label), { timeout: 8000 })
          .toEqual(["✂ dropped"]);
        await control.addPacketFault(session.lab, "Alice", { type: "closeAfter", direction: "toClient", packets: 1 });
        void bob.emit("greet", ["last"], null);
        await expect
          .poll(() => aliceFrames(session, "to-client", '42["greet","last"').map((entry) => entry.fault?.label), { timeout: 8000 })
          .toEqual(["⛔ closed after this"]);
        expect(faultNotes(session)).toEqual([]);
      } finally {
        session.close();
      }
    });

    it("an event duplicated to Alice marks its second copy, not the first", async () => {
      const { session, bob, control } = await open();
      try {
        await control.addPacketFault(session.lab, "Alice", {
          type: "duplicate",
          direction: "toClient",
          match: { kind: "event", event: "greet" },
          next: 1,
        });
        void bob.emit("greet", ["twice"], null);
        await expect
          .poll(() => aliceFrames(session, "to-client", '42["greet","twice"').map((entry) => entry.fault?.action ?? "plain"), {
            timeout: 8000,
          })
          .toEqual(["plain", "duplicated"]);
        expect(faultNotes(session)).toEqual([]);
      } finally {
        session.close();
      }
    });
  });
}
