import { connections, describeEntry, describeFrame, nothingSeen, runFrames, type Exercise } from "../../shared/exercise.js";

const MESSAGES = 10;

export const exercise: Exercise = {
  task: `Send ${MESSAGES} messages so that each is stored exactly once, while the lab blackholes your link for 6 s.`,
  steps: [
    { atMs: 0, change: { blackhole: true } },
    { atMs: 6000, change: { blackhole: false } },
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
    // The blackhole must really have cut the connection: otherwise the messages got through before it.
    const cut = connections(entries).find((entry) => entry.kind === "disconnect");
    if (cut) evidence.unshift(describeEntry(cut));
    if (texts.size < MESSAGES || stored.length < MESSAGES) return { pass: false, evidence: [...evidence, `Not all ${MESSAGES} messages are stored yet.`] };
    if (!cut) return { pass: false, evidence: [...evidence, "The connection never dropped: the messages were stored before the blackhole began."] };
    if (stored.length > MESSAGES) return { pass: false, evidence: [...evidence, "Some message was stored more than once: a duplicate."] };
    return { pass: true, evidence };
  },
};
