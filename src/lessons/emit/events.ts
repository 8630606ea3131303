/**
 * The Emit lesson's events, typed once for both sides. `editing` carries the co-editing text box.
 * Any other name works too: the lab relays every event, so its arguments are whatever you send.
 */
export interface ClientToServerEvents {
  editing: (text: string) => void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a relayed event's arguments are the learner's choice
  [event: string]: (...args: any[]) => void;
}

export interface ServerToClientEvents {
  editing: (text: string) => void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- relayed unchanged, so typed as the sender sent them
  [event: string]: (...args: any[]) => void;
}

/** What the server answers when an emit asks for an acknowledgement. */
export interface EmitAck {
  status: "ok";
}
