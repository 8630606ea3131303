import type { Server, Socket } from "socket.io";
import type { LabContext } from "../lab-context.js";
import type { ClientToServerEvents, PollResult, ServerToClientEvents } from "./events.js";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `ack` if the socket is still connected, and says whether it did. Socket.IO drops an ack to a socket
 * that has gone without a word, so the log says so instead of claiming an answer that never left.
 */
function answer<T>(socket: Socket, log: LabContext["log"], what: string, ack: (value: T) => void, value: T): boolean {
  if (!socket.connected) {
    log(`${what}, but the socket had disconnected: the acknowledgement was dropped`);
    return false;
  }
  ack(value);
  return true;
}

/** Numbers you can change on the page while the lab runs: the handlers read their current values from `settings`. */
export const settings = {
  delayMs: { label: "Server delay (ms)", default: 0, min: 0, max: 30_000 },
  pollTimeoutMs: { label: "Poll timeout (ms)", default: 5000, min: 100, max: 30_000 },
};

export default (io: Server<ClientToServerEvents, ServerToClientEvents>, { log, settings }: LabContext) => {
  io.on("connection", (socket) => {
    // Request and response: the last argument is the client's callback; calling it sends the ACK frame.
    socket.on("add", async (a, b, ack) => {
      // Any client can send anything: never assume the callback (or the numbers) are there.
      if (typeof ack !== "function") return log("add without an acknowledgement: nothing to answer");
      await wait(settings.delayMs ?? 0);
      const sum = Number(a) + Number(b);
      if (answer(socket, log, `add(${a}, ${b}) = ${sum} after ${settings.delayMs} ms`, ack, sum)) {
        log(`add(${a}, ${b}) answered with ${sum} after ${settings.delayMs} ms`);
      }
    });

    // The other way round: the server asks this client and waits for its answer.
    socket.on("ask me", async (ack) => {
      if (typeof ack !== "function") return log("ask me without an acknowledgement: nobody to tell");
      try {
        const reply: unknown = await socket.timeout(30_000).emitWithAck("question", "What is 6 × 7?");
        log(`the client answered ${JSON.stringify(reply)}`);
        answer(socket, log, `ask me: the answer ${JSON.stringify(reply)}`, ack, reply);
      } catch (error) {
        log(`no answer: ${(error as Error).message}`);
        answer(socket, log, "ask me: null", ack, null);
      }
    });

    // Broadcast with acks: one response per client, collected until everyone answered or time ran out.
    socket.on("poll", (withTimeout, ack) => {
      if (typeof ack !== "function") return log("poll without an acknowledgement: nobody to tell");
      const done = (error: Error | null, responses: unknown[]) => {
        const result: PollResult = { error: error?.message ?? null, responses };
        log(`poll finished: ${JSON.stringify(result)}`);
        answer(socket, log, "poll: the result", ack, result);
      };
      if (withTimeout) {
        io.timeout(settings.pollTimeoutMs ?? 5000).emit("vote", "Pizza or pasta?", done);
      } else {
        // The types refuse a broadcast ack without a timeout, and rightly: it fails at once with [].
        (io.emit as (...args: unknown[]) => boolean)("vote", "Pizza or pasta?", done);
      }
    });
  });
};
