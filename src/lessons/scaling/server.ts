import type { Server } from "socket.io";
import type { NodeContext } from "../lab-context.js";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData, SocketSummary } from "./events.js";

const ROOM_NAME = /^[A-Za-z0-9 _-]{1,32}$/;
const MAX_TEXT = 500;
/** How long "ask-nodes" waits: the cluster adapter itself gives missing nodes 5 s. */
const ASK_MS = 6000;

/** The ack to call: a client may emit without asking for one (or send something else last), then no one is answered. */
function answer<A extends (...args: never[]) => void>(ack: A | undefined): A {
  return typeof ack === "function" ? ack : ((() => undefined) as unknown as A);
}

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

/**
 * The Scaling lesson's handlers: the same plain Socket.IO code runs in every node process. Nothing here
 * knows whether an adapter joins the nodes; the lesson is what changes when one does.
 */
export default (io: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>, { node, log }: NodeContext) => {
  // #region connection
  io.on("connection", (socket) => {
    // A recovered socket keeps the data of the node it first connected to.
    if (!socket.recovered) {
      socket.data.client = String(socket.handshake.query.client ?? socket.id);
      socket.data.node = node;
    }
    const from = socket.data.client;
    // #endregion

    // #region chat
    socket.on("chat", (text, ack) => {
      const reply = answer(ack);
      if (typeof text !== "string" || text.length > MAX_TEXT)
        return reply({ error: `A line is a string of at most ${MAX_TEXT} characters.` });
      io.emit("chat", { from, text, node }); // this node's clients; every node's with an adapter
      reply({ node });
    });
    // #endregion

    socket.on("join", async (room, ack) => {
      const reply = answer(ack);
      if (typeof room !== "string" || !ROOM_NAME.test(room))
        return reply({ error: "A room name is 1 to 32 letters, digits, spaces, - or _." });
      await socket.join(room);
      reply([...socket.rooms]);
    });

    socket.on("chat-room", (plan, ack) => {
      const reply = answer(ack);
      if (typeof plan?.room !== "string" || typeof plan.text !== "string" || plan.text.length > MAX_TEXT) {
        return reply({ error: "Send { room, text }." });
      }
      io.to(plan.room).emit("chat", { from, text: plan.text, node });
      reply({ node });
    });

    // #region who
    socket.on("who", async (ack) => {
      const reply = answer(ack);
      try {
        const sockets = await io.timeout(2000).fetchSockets(); // every node's, with an adapter
        reply(sockets.map((s): SocketSummary => ({ id: s.id, client: s.data.client, node: s.data.node, rooms: [...s.rooms] })));
      } catch (error) {
        reply({ error: `fetchSockets failed: ${error instanceof Error ? error.message : String(error)}` });
      }
    });
    // #endregion

    // #region ask-nodes
    socket.on("ask-nodes", async (ack) => {
      const reply = answer(ack);
      try {
        // The other nodes' answers, never this one's. Without an adapter the promise never settles (the
        // default adapter only prints a warning), so give up after a while.
        reply(await within(ASK_MS, io.serverSideEmitWithAck("hello", node)));
      } catch (error) {
        reply({ error: `serverSideEmitWithAck failed: ${error instanceof Error ? error.message : String(error)}` });
      }
    });
    // #endregion
  });

  // #region hello
  io.on("hello", (from, ack) => {
    log(`node ${from} said hello through the adapter`);
    ack(node);
  });
  // #endregion
};
