import { describeFrame, nothingSeen, runFrames, type Exercise } from "../../shared/exercise.js";

export const exercise: Exercise = {
  task: 'Ask the server to add 2 and 3 with "add", and make it acknowledge with the sum.',
  hints: [
    "An acknowledgement is a reply to one emit: `emitWithAck` returns a Promise of it.",
    'Give it a timeout, or a lost reply waits for ever: `await socket.timeout(5000).emitWithAck("add", 2, 3)`.',
  ],
  withinMs: 15_000,
  judge(entries) {
    const frames = runFrames(entries);
    const asks = frames.filter((frame) => frame.kind === "received" && frame.packet?.event === "add");
    if (asks.length === 0) return nothingSeen('an "add" event');
    for (const ask of asks) {
      const [a, b] = ask.packet?.args ?? [];
      if (ask.packet?.id === undefined) continue;
      const answer = frames.find((frame) => frame.kind === "sent" && frame.packet?.type === "ACK" && frame.packet.id === ask.packet?.id);
      if (answer && typeof a === "number" && typeof b === "number" && answer.packet?.args?.[0] === a + b) {
        return { pass: true, evidence: [describeFrame(ask), describeFrame(answer)] };
      }
    }
    const withoutAck = asks.every((ask) => ask.packet?.id === undefined);
    return {
      pass: false,
      evidence: [
        ...asks.map((frame) => describeFrame(frame)),
        withoutAck
          ? "No ack id in the frame: the emit did not ask for an acknowledgement."
          : "No acknowledgement with the sum came back yet.",
      ],
    };
  },
};
