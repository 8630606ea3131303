import { connections, describeEntry, RUN_CLIENT, type Exercise } from "../../shared/exercise.js";

export const exercise: Exercise = {
  task: "After your first message arrives (without one, the client has no offset to recover from), break the connection once so that the server recovers your session.",
  hints: [
    "Recovery needs an offset, and an offset comes with a received event: send a `message` and wait for it to come back.",
    "Break the connection without saying goodbye: `socket.io.engine.close()` closes the transport, so the client reconnects and the server can recover the session. Check `socket.recovered` in the `connect` listener.",
  ],
  withinMs: 15_000,
  judge(entries) {
    const seen = connections(entries).map(describeEntry);
    const recovered = entries.find((entry) => entry.kind === "log" && entry.message.startsWith(`${RUN_CLIENT} recovered`));
    if (recovered && recovered.kind === "log") return { pass: true, evidence: [...seen, `server log: ${recovered.message}`] };
    return { pass: false, evidence: [...seen, "The server has not recovered a session of Code yet."] };
  },
};
