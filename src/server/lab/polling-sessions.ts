import type { Socket as EngineSocket } from "engine.io";

/**
 * Engine.IO sessions by id, so that a cut can reach one whose poll was not in flight: a long-polling
 * session whose connection the lab's network link cut between two polls is failed the way Engine.IO fails
 * a poll whose connection closes early, and the server notices now rather than at the next ping timeout.
 */
export class PollingSessions {
  private readonly sessions = new Map<string, EngineSocket>();

  constructor(engine: { on(event: "connection", listener: (session: EngineSocket) => void): unknown }) {
    engine.on("connection", (session: EngineSocket) => {
      // Engine.IO documents `socket.id` as public; only its type declaration marks it private.
      const { id } = session as unknown as { id: string };
      this.sessions.set(id, session);
      session.once("close", () => this.sessions.delete(id));
    });
  }

  fail(sid: string): void {
    const transport = this.sessions.get(sid)?.transport;
    if (transport?.name !== "polling") return;
    const error = Object.assign(new Error("poll connection closed prematurely"), { type: "TransportError" });
    transport.emit("error", error);
  }

  /** Answers the session's waiting poll with a noop, if one waits (Engine.IO does the same to release a poll). */
  release(sid: string): void {
    const transport = this.sessions.get(sid)?.transport as unknown as
      { name: string; writable: boolean; send(packets: { type: "noop" }[]): void } | undefined;
    if (transport?.name === "polling" && transport.writable) transport.send([{ type: "noop" }]);
  }
}
