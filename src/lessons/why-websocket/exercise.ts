import { connections, describeEntry, describeFrame, runFrames, type Exercise } from "../../shared/exercise.js";

export const exercise: Exercise = {
  task: "Connect, log the first three ticks the server pushes, then disconnect.",
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
