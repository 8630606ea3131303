import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabErrorPayload } from "../../src/shared/lab-api.js";
import { connectClient, createLab, fault, nextEvent, startServer, waitForSnapshot } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer({ maxRoomsPerLab: 5, maxRecoveryPackets: 20, maxEventsPerSecond: 1000 });
});
afterAll(() => running.close());

describe("per-lab caps on rooms and the recovery buffer", () => {
  it("refuses a join past the rooms cap, says why, and keeps the lab working", async () => {
    const lab = await createLab(running.origin, "rooms");
    const alice = await connectClient(running.origin, lab, "Alice");
    for (let n = 1; n <= 5; n++) expect(await alice.timeout(2000).emitWithAck("join", `room-${n}`)).toContain(`room-${n}`);
    const refused = nextEvent<[LabErrorPayload]>(alice, "lab:error");
    const rooms = (await alice.timeout(2000).emitWithAck("join", "room-6")) as string[];
    expect(rooms).not.toContain("room-6");
    expect((await refused)[0]).toMatchObject({ code: "too_many_rooms", message: expect.stringContaining("5 rooms") });
    // Joining a room that exists costs nothing, so it is allowed.
    const bob = await connectClient(running.origin, lab, "Bob");
    expect(await bob.timeout(2000).emitWithAck("join", "room-1")).toContain("room-1");
    alice.disconnect();
    bob.disconnect();
  });

  it("keeps only the newest packets for recovery once a lab passes its cap", async () => {
    const lab = await createLab(running.origin, "recovery");
    const alice = await connectClient(running.origin, lab, "Alice");
    for (let n = 0; n < 50; n++) await alice.timeout(2000).emitWithAck("message", `m${n}`);
    const snapshot = await waitForSnapshot(running.origin, lab, (s) => s.recovery.retainedPackets > 0);
    expect(snapshot.recovery.retainedPackets).toBe(20);
    alice.disconnect();
  });

  it("does not recover a client whose offset fell out of the capped buffer", async () => {
    const lab = await createLab(running.origin, "recovery");
    const reconnecting = { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 };
    const alice = await connectClient(running.origin, lab, "Alice", "websocket", reconnecting);
    const bob = await connectClient(running.origin, lab, "Bob");
    const offset = nextEvent(alice, "message");
    await bob.timeout(2000).emitWithAck("message", "her last one");
    await offset;
    const gone = nextEvent(alice, "disconnect");
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: true });
    await gone;
    // 20 newer packets push hers out of a buffer of 20.
    for (let n = 0; n < 20; n++) await bob.timeout(2000).emitWithAck("message", `m${n}`);
    const back = nextEvent(alice, "connect", 5000);
    await fault(running.origin, lab, "/clients/Alice/link", "PUT", { offline: false });
    await back;
    expect(alice.recovered).toBe(false);
    alice.disconnect();
    bob.disconnect();
  });
});
