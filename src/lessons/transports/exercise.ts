import { connections, describeEntry, describeFrame, nothingSeen, runFrames, type Exercise } from "../../shared/exercise.js";

export const exercise: Exercise = {
  task: 'WebSocket is blocked for your client. Connect anyway, and emit "hello" once connected.',
  hints: [
    "By default the client starts with long-polling and upgrades; here WebSocket is blocked. Look at the `transports` option.",
    'With `transports: ["websocket", "polling"]` and `tryAllTransports: true`, a failed WebSocket falls back to polling.',
  ],
  before: { blockWebSocket: true },
  withinMs: 15_000,
  judge(entries) {
    const connected = connections(entries).find((entry) => entry.kind === "connect");
    const hello = runFrames(entries).find((frame) => frame.kind === "received" && frame.packet?.event === "hello");
    if (!connected) return nothingSeen("a connection");
    if (!hello) return { pass: false, evidence: [describeEntry(connected), 'No "hello" yet.'] };
    return { pass: true, evidence: [describeEntry(connected), describeFrame(hello)] };
  },
};
