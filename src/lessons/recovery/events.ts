/** The Connection state recovery lesson's events, typed once for both sides. */

/** A chat message as the database stores it: `id` grows with every message, so it is an offset too. */
export interface StoredMessage {
  id: number;
  from: string;
  text: string;
}

/** How the server sends a notice: plainly, with an acknowledgement, or volatile. */
export type NoticeKind = "plain" | "ack" | "volatile";

export interface ClientToServerEvents {
  /** Post a message: stored, then sent to everyone. The ack carries its id. */
  message: (text: string, ack?: (id: number) => void) => void;
  /** Ask the server to send `text` to the chat room as a `notice`, the way `how` says. */
  announce: (how: NoticeKind, text: string) => void;
  /** Leave every room but your own and join `room`. The ack carries your rooms afterwards. */
  move: (room: string, ack?: (rooms: string[]) => void) => void;
}

export interface ServerToClientEvents {
  /**
   * A new message. With connection state recovery on, Socket.IO appends one more argument you did not
   * send: the packet's offset, which the client keeps to ask for what it missed.
   */
  message: (message: StoredMessage) => void;
  /** Resend strategy 1, "full state": everything, sent to a client whose session was not recovered. */
  state: (messages: StoredMessage[]) => void;
  /** Resend strategy 2, "offset": only the rows after the id the client says it has (`auth.serverOffset`). */
  missed: (messages: StoredMessage[]) => void;
  /** A notice from the server: a bare string, sent plainly or volatile. */
  notice: (text: string) => void;
  /** The same notice sent with an acknowledgement: each client is asked to answer. */
  "acked notice": (text: string, answer: (reply: unknown) => void) => void;
}

/** Which resend strategy the server uses when a session is not recovered (the lab's "Resend" setting). */
export const RESEND = { none: 0, fullState: 1, offset: 2 } as const;
