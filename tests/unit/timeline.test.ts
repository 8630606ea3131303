import { describe, expect, it } from "vitest";
import { SERVER_LANE, SHOW_ALL, Timeline } from "../../src/client/timeline/timeline.js";
import { decodeFrame, summarize } from "../../src/shared/frame-decoder.js";

function frameEntry(at: number, lane: string, direction: "to-server" | "to-client", raw: string) {
  const frame = decodeFrame(raw);
  return {
    at,
    lane,
    direction,
    frame,
    summary: summarize(frame),
    ...(frame.engine === "ping" || frame.engine === "pong" ? { heartbeat: true } : {}),
  };
}

describe("Timeline", () => {
  it("links an ack to the emit it answers, with the round trip, per client", () => {
    const timeline = new Timeline();
    const aliceAsk = timeline.add(frameEntry(1000, "Alice", "to-server", '420["ping"]'));
    const bobAsk = timeline.add(frameEntry(1001, "Bob", "to-server", '420["ping"]'));
    const aliceAck = timeline.add(frameEntry(1012, "Alice", "to-client", '430[{"status":"ok"}]'));
    expect(aliceAck).toMatchObject({ ackOf: aliceAsk.seq, rttMs: 12 });
    expect(aliceAsk.ackedBy).toBe(aliceAck.seq);
    // Bob's ack id 0 is his own: Alice's ack did not answer it.
    expect(bobAsk.ackedBy).toBeUndefined();
  });

  it("links a server-to-client ack request with the client's answer", () => {
    const timeline = new Timeline();
    const ask = timeline.add(frameEntry(0, "Alice", "to-client", '425["question"]'));
    const answer = timeline.add(frameEntry(7, "Alice", "to-server", '435["yes"]'));
    expect(answer.ackOf).toBe(ask.seq);
  });

  it("hides ping/pong unless asked, and filters by client and event name", () => {
    const timeline = new Timeline();
    timeline.add(frameEntry(0, "Alice", "to-client", "2"));
    timeline.add(frameEntry(1, "Alice", "to-server", '42["chat","hi"]'));
    timeline.add(frameEntry(2, "Bob", "to-server", '42["typing"]'));
    timeline.add({ at: 3, lane: SERVER_LANE, direction: "none", summary: "Alice disconnected", mark: "status" });
    expect(timeline.filtered(SHOW_ALL)).toHaveLength(3);
    expect(timeline.filtered({ ...SHOW_ALL, showHeartbeat: true })).toHaveLength(4);
    expect(timeline.filtered({ ...SHOW_ALL, client: "Bob" }).map((e) => e.summary)).toEqual(["EVENT typing()", "Alice disconnected"]);
    expect(timeline.filtered({ ...SHOW_ALL, event: "chat" }).map((e) => e.lane)).toEqual(["Alice"]);
    expect(timeline.lanes).toEqual(["Alice", "Bob"]);
  });

  it("hides the page's own frames (an event declared the page's and the ack answering it) unless asked, labelled with why", () => {
    const why = "Run checks the send has arrived";
    const timeline = new Timeline(100, (event) => (event === "sync" ? why : undefined));
    timeline.add(frameEntry(0, "Alice", "to-server", '421["send",{}]'));
    const sync = timeline.add(frameEntry(1, "Alice", "to-server", '422["sync"]'));
    timeline.add(frameEntry(2, "Alice", "to-client", "431[{}]"));
    const syncAck = timeline.add(frameEntry(3, "Alice", "to-client", "432[]"));
    // Bob's ack id 2 answers no sync of his: it is his own traffic.
    timeline.add(frameEntry(4, "Bob", "to-server", '422["mine"]'));
    timeline.add(frameEntry(5, "Bob", "to-client", "432[]"));
    expect(sync.page).toBe(why);
    expect(syncAck).toMatchObject({ page: why, ackOf: sync.seq });
    expect(timeline.filtered(SHOW_ALL).map((e) => e.frame?.raw)).toEqual(['421["send",{}]', "431[{}]", '422["mine"]', "432[]"]);
    expect(timeline.filtered({ ...SHOW_ALL, showPage: true })).toHaveLength(6);
  });

  it("marks entries after the fact, e.g. events a recovered connect replayed, with their offsets", () => {
    const timeline = new Timeline();
    const replayed = timeline.add(frameEntry(0, "Alice", "to-client", '42["chat","missed","1-0"]'));
    timeline.mark([replayed.seq], "recovered", new Map([[replayed.seq, "1-0"]]));
    expect(timeline.entries[0]).toMatchObject({ mark: "recovered", offset: "1-0" });
  });

  it("exports to JSON and imports it back, and refuses a file that is not a timeline", () => {
    const timeline = new Timeline();
    timeline.add(frameEntry(0, "Alice", "to-server", '42["chat","hi"]'));
    const copy = new Timeline();
    copy.import(timeline.export());
    expect(copy.entries).toEqual(timeline.entries);
    expect(() => copy.import('{"hello": 1}')).toThrow(/not a timeline/);
    expect(() => copy.import("not json")).toThrow();
  });

  it("imports the page's own mark with its entries, and drops an entry whose mark is not text", () => {
    const timeline = new Timeline(100, (event) => (event === "sync" ? "delivery check" : undefined));
    timeline.add(frameEntry(0, "Alice", "to-server", '420["sync"]'));
    const copy = new Timeline(100, () => undefined);
    copy.import(timeline.export());
    expect(copy.entries[0]?.page).toBe("delivery check");
    const forged = JSON.stringify({
      version: 1,
      entries: [{ seq: 1, at: 0, lane: "Alice", direction: "none", summary: "x", page: { a: 1 } }],
    });
    copy.import(forged);
    expect(copy.entries).toEqual([]);
  });

  it("keeps only the newest entries past its limit", () => {
    const timeline = new Timeline(3);
    for (let i = 0; i < 5; i++) timeline.add(frameEntry(i, "Alice", "to-server", `42["n",${i}]`));
    expect(timeline.entries.map((e) => e.at)).toEqual([2, 3, 4]);
  });
});
