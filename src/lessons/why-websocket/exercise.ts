import { connections, describeEntry, describeFrame, runFrames, type Exercise } from "../../shared/exercise.js";

export const exercise: Exercise = {
  task: "Connect, log the first three ticks the server pushes, then disconnect.",
  hints: [
    'Listen with `socket.on("tick", …)`: the server pushes one every second without being asked.',
    "Count the ticks in a variable outside the listener, and call `socket.disconnect()` when it reaches 3.",
  ],
  withinMs: 15_000,
  judge(entries) {
    const ticks = runFrames(entries).filter((frame) => frame.kind === "sent" && frame.packet?.event === "tick");
    const left = connections(entries).find((entry) => entry.kind === "disconnect" && entry.reason === "client namespace disconnect");
    const evidence = [...ticks.slice(0, 3).map((frame) => describeFrame(frame)), ...(left ? [describeEntry(left)] : [])];
    if (ticks.length < 3) return { pass: false, evidence: [...evidence, `${ticks.length} of 3 ticks sent so far.`] };
    if (!left)
      return { pass: false, evidence: [...evidence, "Code has not disconnected on purpose (reason client namespace disconnect)."] };
    return { pass: true, evidence };
  },
};
