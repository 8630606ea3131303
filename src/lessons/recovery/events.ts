/** The Connection state recovery lesson's events, typed once for both sides. */

/** A chat message as the database stores it: `id` grows with every message, so it is an offset too. */
export interface StoredMessage {
  id: number;
  from: string;
  text: string;
}

export interface ClientToServerEvents {
  /** Post a message: stored, then sent to everyone. The ack carries its id. */
  message: (text: string, ack?: (id: number) => void) => void;
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
}

/** Which resend strategy the server uses when a session is not recovered (the lab's "Resend" setting). */
export const RESEND = { none: 0, fullState: 1, offset: 2 } as const;
