/** The Broadcast & rooms lesson's events, typed once for both sides. */

/** Who an emit goes to: each value is one way the server can address clients (see server.ts). */
export type Target = "io.emit" | "socket.broadcast.emit" | "socket.to(room)" | "io.to(room)" | "union" | "except" | "private";

export const TARGETS: readonly Target[] = [
  "io.emit",
  "socket.broadcast.emit",
  "socket.to(room)",
  "io.to(room)",
  "union",
  "except",
  "private",
];

export interface SendPlan {
  target: Target;
  /** The room for socket.to, io.to and except; the first room of a union. */
  room?: string;
  /** The second room of a union. */
  otherRoom?: string;
  /** The socket id a private message goes to. */
  socketId?: string;
  /** Tells one run from another, so the page can count who received which. */
  run: string;
}

export interface News {
  from: string;
  target: Target;
  run: string;
}

export interface ClientToServerEvents {
  join: (room: string, ack: (rooms: string[] | { error: string }) => void) => void;
  leave: (room: string, ack: (rooms: string[] | { error: string }) => void) => void;
  send: (plan: SendPlan, ack: (result: { error?: string }) => void) => void;
  sync: (ack: () => void) => void;
}

export interface ServerToClientEvents {
  news: (news: News) => void;
}
