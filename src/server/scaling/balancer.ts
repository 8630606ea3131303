import type { Routing } from "../../shared/lab-api.js";

export type { Routing };

/**
 * The lab's load balancer in front of its nodes, as a learner would configure one: round-robin, which
 * spreads every request, or sticky, which sends every request of an Engine.IO session to the node that
 * opened it. Round-robin is what breaks HTTP long-polling: a session's next request lands on a node that
 * never heard of it, and that node answers 400 "Session ID unknown".
 */

/** Sessions remembered for sticky routing; the oldest are forgotten first. */
const MAX_SESSIONS = 1000;

export class Balancer {
  private turn = 0;
  private readonly sessions = new Map<string, string>();

  constructor(
    private readonly names: readonly string[],
    public routing: Routing = "round-robin",
  ) {}

  /** The node for a request: its session's node when sticky and known, else the next one in turn. */
  pick(sid: string | undefined): string {
    if (this.routing === "sticky" && sid !== undefined) {
      const known = this.sessions.get(sid);
      if (known) return known;
    }
    const name = this.names[this.turn % this.names.length] as string;
    this.turn += 1;
    return name;
  }

  /** A node answered a handshake with this session id: sticky routing sends the session's requests there. */
  learn(sid: string, node: string): void {
    this.sessions.set(sid, node);
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
  }
}

/** The session id in an Engine.IO handshake body, `0{"sid":"…",…}`, if it is one. */
export function handshakeSid(body: string): string | undefined {
  if (!body.startsWith("0{")) return undefined;
  try {
    const { sid } = JSON.parse(body.slice(1)) as { sid?: unknown };
    return typeof sid === "string" ? sid : undefined;
  } catch {
    return undefined;
  }
}
