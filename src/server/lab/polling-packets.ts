import type { Direction } from "../../shared/packet-faults.js";
import type { PacketLink } from "./packet-link.js";
import { readPacket } from "./packet-reader.js";
import { PacketStream, type StreamItem } from "./packet-stream.js";

/** Engine.IO joins the packets of one long-polling body with this record separator. */
const SEPARATOR = "\x1e";
/** What a body holds when every packet in it was dropped: Engine.IO's own noop, which both ends ignore. */
const NOOP = "6";
/** Engine.IO's close packet: a polling transport that reads it closes ("transport close"). */
const CLOSE = "1";
/** Long-polling sessions a link follows at once; a client has one at a time, a few while it reconnects. */
const MAX_SESSIONS = 8;

/** What the lab's server can be asked for a session, on the link's behalf. */
export interface PollingServer {
  /** Answer the session's waiting poll now (with a noop), so the link can add what came due. */
  release(sid: string): void;
  /** The session's connection is gone (as a cut poll would say). */
  fail(sid: string): void;
}

interface Session {
  toServer: PacketStream<string>;
  toClient: PacketStream<string>;
  /** Packets held back on their way to the client (delayed acks), each with when it is due. */
  due: { dueAt: number; items: string[] }[];
  /** Answers the poll the server is holding for this session, while it holds one. */
  waiting: ((body: string) => void) | undefined;
  /** A fault closed the session: its next poll reads Engine.IO's close. */
  closed: boolean;
}

function itemOf(packet: string): StreamItem {
  if (packet.startsWith("b")) return { attachment: true };
  return { packet: readPacket(packet), frame: packet.slice(0, 100) };
}

/**
 * Packet faults on HTTP long-polling, where a body may hold several Engine.IO packets: the link takes a
 * dropped packet out of its body and keeps the rest, so the session stays valid. A body left with nothing
 * carries a noop (`6`) instead: an empty body is a parse error to either end, and a noop is what Engine.IO
 * itself sends to release a poll. A delayed packet to the client goes in a later response: when it comes
 * due, the server is asked to release the poll it holds, and the link adds the packet to that response.
 * A delayed packet to the server holds its POST back: Engine.IO takes one POST at a time per session, so
 * there is no later request to carry it. Closing ends the body after the last packet that passes; the
 * server reads Engine.IO's close packet there (a POST) or is told the poll was cut (a response), and the
 * client reads a close packet in the answer to its next poll, which the link gives itself.
 */
export class PollingPackets {
  /** Made with the first session a fault reads: a WebSocket client's link never needs one ([8/8]). */
  private sessions: Map<string, Session> | undefined;

  constructor(
    private readonly packets: PacketLink,
    private readonly server: PollingServer,
  ) {}

  /** Whether a body of this session must be read: a fault acts this way, or the session has state. */
  inspects(direction: Direction, sid: string): boolean {
    const session = this.sessions?.get(sid);
    if (session && (session.closed || session.due.length > 0 || session[direction].busy)) return true;
    return this.packets.faults.has(direction);
  }

  /** A poll the link answers itself, without the server: a closed session's, or one carrying packets now due. */
  answerAtLink(sid: string): string | undefined {
    const session = this.sessions?.get(sid);
    if (!session) return undefined;
    if (session.closed) return CLOSE;
    const due = this.takeDue(session);
    return due.length > 0 ? due.join(SEPARATOR) : undefined;
  }

  /** The server holds this session's poll (`answer` ends it), until `released`. */
  waiting(sid: string, answer: (body: string) => void): () => void {
    const session = this.session(sid);
    session.waiting = answer;
    return () => {
      if (session.waiting === answer) session.waiting = undefined;
    };
  }

  /** A POST's body on its way to the server: what the server gets, and how long the link holds it first. */
  toServer(sid: string, body: string): { body: string; delayMs: number } {
    const session = this.session(sid);
    // A delayed packet holds the whole POST, so it keeps its place among the body's packets.
    const { items, dueAt, close } = this.apply(session.toServer, body, true);
    if (close) {
      items.push(CLOSE);
      // The server closes its end as it reads the close; the client's end reads one in its poll.
      session.closed = true;
      const answer = session.waiting;
      session.waiting = undefined;
      answer?.(CLOSE);
    }
    return { body: items.length > 0 ? items.join(SEPARATOR) : NOOP, delayMs: dueAt === 0 ? 0 : Math.max(0, dueAt - Date.now()) };
  }

  /** A poll's response body on its way to the client: what the client gets instead. */
  toClient(sid: string, body: string): string {
    const session = this.session(sid);
    const due = this.takeDue(session);
    const { items, dueAt, close, later } = this.apply(session.toClient, body);
    if (later.length > 0) {
      session.due.push({ dueAt, items: later });
      setTimeout(() => session.waiting && this.server.release(sid), Math.max(0, dueAt - Date.now())).unref();
    }
    // The server's noop (its answer to `release`, or an upgrade's) need not go on beside real packets.
    const sent = [...due, ...items.filter((item) => item !== NOOP || due.length === 0)];
    if (close) {
      // The close goes in the next poll's answer, not beside the last packets: socket.io-client hands a
      // packet to its listeners a tick after it decodes it, and a close in the same body would come first.
      session.closed = true;
      session.due = [];
      // The server hears of it as of a cut poll, once this response has gone.
      setImmediate(() => this.server.fail(sid));
    }
    return sent.length > 0 ? sent.join(SEPARATOR) : NOOP;
  }

  private apply(
    stream: PacketStream<string>,
    body: string,
    inPlace = false,
  ): { items: string[]; later: string[]; dueAt: number; close: boolean } {
    const items: string[] = [];
    const later: string[] = [];
    let dueAt = 0;
    for (const packet of body.split(SEPARATOR)) {
      const step = stream.take(packet, itemOf(packet), packet.length);
      items.push(...step.now);
      if (step.later) {
        (inPlace ? items : later).push(...step.later.items);
        dueAt = Math.max(dueAt, step.later.dueAt);
      }
      // After the last packet that passes, nothing more crosses: the rest of the body is lost with the connection.
      if (step.close) return { items, later, dueAt, close: true };
    }
    return { items, later, dueAt, close: false };
  }

  /** The delayed packets whose time has come, in the order they were held. */
  private takeDue(session: Session): string[] {
    const now = Date.now();
    const ready = session.due.filter((entry) => entry.dueAt <= now);
    session.due = session.due.filter((entry) => entry.dueAt > now);
    return ready.flatMap((entry) => entry.items);
  }

  private session(sid: string): Session {
    const sessions = (this.sessions ??= new Map());
    const known = sessions.get(sid);
    if (known) return known;
    const session: Session = {
      toServer: new PacketStream(this.packets, "toServer"),
      toClient: new PacketStream(this.packets, "toClient"),
      due: [],
      waiting: undefined,
      closed: false,
    };
    sessions.set(sid, session);
    for (const old of sessions.keys()) {
      if (sessions.size <= MAX_SESSIONS) break;
      sessions.delete(old);
    }
    return session;
  }
}
