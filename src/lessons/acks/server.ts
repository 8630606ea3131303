import type { Server } from "socket.io";
import type { LessonLab } from "../../server/lesson-lab.js";
import type { ClientToServerEvents, PollResult, ServerToClientEvents } from "./events.js";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const acksLab: LessonLab = {
  slug: "acks",
  options: {},
  settings: {
    delayMs: { label: "Server delay (ms)", default: 0, min: 0, max: 30_000 },
    pollTimeoutMs: { label: "Poll timeout (ms)", default: 5000, min: 100, max: 30_000 },
  },
  setup(server, { log, settings }) {
    const io = server as Server<ClientToServerEvents, ServerToClientEvents>;

    io.on("connection", (socket) => {
      // Request and response: the last argument is the client's callback; calling it sends the ACK frame.
      socket.on("add", async (a, b, ack) => {
        // Any client can send anything: never assume the callback (or the numbers) are there.
        if (typeof ack !== "function") return log("add without an acknowledgement: nothing to answer");
        await wait(settings.delayMs ?? 0);
        const sum = Number(a) + Number(b);
        log(`add(${a}, ${b}) answered with ${sum} after ${settings.delayMs} ms`);
        ack(sum);
      });

      // The other way round: the server asks this client and waits for its answer.
      socket.on("ask me", async (ack) => {
        if (typeof ack !== "function") return log("ask me without an acknowledgement: nobody to tell");
        try {
          const answer: unknown = await socket.timeout(30_000).emitWithAck("question", "What is 6 × 7?");
          log(`the client answered ${JSON.stringify(answer)}`);
          ack(answer);
        } catch (error) {
          log(`no answer: ${(error as Error).message}`);
          ack(null);
        }
      });

      // Broadcast with acks: one response per client, collected until everyone answered or time ran out.
      socket.on("poll", (withTimeout, ack) => {
        if (typeof ack !== "function") return log("poll without an acknowledgement: nobody to tell");
        const done = (error: Error | null, responses: unknown[]) => {
          const result: PollResult = { error: error?.message ?? null, responses };
          log(`poll finished: ${JSON.stringify(result)}`);
          ack(result);
        };
        if (withTimeout) {
          io.timeout(settings.pollTimeoutMs ?? 5000).emit("vote", "Pizza or pasta?", done);
        } else {
          // The types refuse a broadcast ack without a timeout, and rightly: it fails at once with [].
          (io.emit as (...args: unknown[]) => boolean)("vote", "Pizza or pasta?", done);
        }
      });
    });
  },
};
