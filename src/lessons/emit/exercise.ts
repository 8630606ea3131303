import { describeFrame, nothingSeen, runFrames, type Exercise } from "../../shared/exercise.js";

export const exercise: Exercise = {
  task: 'Emit the event "greet" with two arguments: a string, then a number.',
  hints: [
    "`socket.emit` takes the event name first, then any number of arguments.",
    'Emit inside the `connect` listener, so the socket is connected: `socket.emit("greet", "hello", 42)`.',
  ],
  withinMs: 10_000,
  judge(entries) {
    const greets = runFrames(entries).filter((frame) => frame.kind === "received" && frame.packet?.event === "greet");
    if (greets.length === 0) return nothingSeen('a "greet" event');
    const good = greets.find(({ packet }) => {
      const args = packet?.args ?? [];
      return args.length === 2 && typeof args[0] === "string" && typeof args[1] === "number";
    });
    if (good) return { pass: true, evidence: [describeFrame(good)] };
    return { pass: false, evidence: [...greets.map((frame) => describeFrame(frame)), "Its arguments are not a string then a number."] };
  },
};
