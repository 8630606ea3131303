import { describeEntry, describeFrame, nothingSeen, runFrames, type Exercise } from "../../shared/exercise.js";

const MESSAGES = 10;

export const exercise: Exercise = {
  task: `Send ${MESSAGES} messages so that each is stored exactly once, while the lab blackholes your link for 3 s and then cuts it: what was held is lost.`,
  hints: [
    "Give the client `retries` and `ackTimeout` options: an emit then waits for its acknowledgement, and is sent again when none comes.",
    "A retry of a stored message would be stored twice: give every message an id of its own (`crypto.randomUUID()`) so the server's UNIQUE column rejects the copy.",
  ],
  steps: [
    { atMs: 0, change: { blackhole: true } },
    { atMs: 3000, drop: true, change: { blackhole: false } },
  ],
  withinMs: 40_000,
  judge(entries) {
    const frames = runFrames(entries);
    const sends = frames.filter((frame) => frame.kind === "received" && frame.packet?.event === "message");
    if (sends.length === 0) return nothingSeen('a "message" event');
    const stored = frames.filter(
      (frame) => frame.kind === "sent" && frame.packet?.type === "ACK" && (frame.packet.args?.[0] as { stored?: boolean })?.stored === true,
    );
    const texts = new Set(sends.map((frame) => (frame.packet?.args?.[0] as { text?: unknown })?.text));
    const evidence = [
      `${texts.size} distinct messages reached the server, in ${sends.length} tries.`,
      `${stored.length} stored (acks with "stored": true).`,
      ...stored.slice(-2).map((frame) => describeFrame(frame)),
    ];
    // The cut must have hit the messages: some reached the server only after the connection was cut and
    // came back. Otherwise they all got through before the blackhole, and nothing was tested.
    const cutAt = entries.findIndex((entry) => entry.kind === "disconnect" && entry.client === "Code");
    const cut = entries[cutAt];
    const afterCut =
      cutAt === -1 ? [] : runFrames(entries.slice(cutAt)).filter((frame) => frame.kind === "received" && frame.packet?.event === "message");
    if (cut) evidence.unshift(describeEntry(cut), `${afterCut.length} tries reached the server after the cut.`);
    if (texts.size < MESSAGES || stored.length < MESSAGES)
      return { pass: false, evidence: [...evidence, `Not all ${MESSAGES} messages are stored yet.`] };
    if (afterCut.length === 0)
      return { pass: false, evidence: [...evidence, "No message crossed the blackhole: they were all stored before it began."] };
    if (stored.length > MESSAGES) return { pass: false, evidence: [...evidence, "Some message was stored more than once: a duplicate."] };
    return { pass: true, evidence };
  },
};
