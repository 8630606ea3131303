/**
 * The Scaling lesson's events, shared by every node's handlers and the page's clients. Each node is a
 * separate Socket.IO server process; `node` names the one that did something (A, B, ...).
 */

/** A chat line as every client receives it: who wrote it, and which node first emitted it. */
export interface Line {
  from: string;
  text: string;
  node: string;
}

/** A socket as `fetchSockets()` returns it, from whichever node holds it. */
export interface SocketSummary {
  id: string;
  client: string;
  node: string;
  rooms: string[];
}

export type Failure = { error: string };

export interface ClientToServerEvents {
  /** `io.emit` on the node this client is connected to: everyone, on every node only with an adapter. */
  chat: (text: string, ack: (result: { node: string } | Failure) => void) => void;
  join: (room: string, ack: (rooms: string[] | Failure) => void) => void;
  /** `io.to(room).emit` from this client's node. */
  "chat-room": (plan: { room: string; text: string }, ack: (result: { node: string } | Failure) => void) => void;
  /** `io.fetchSockets()`: the sockets this node can see. */
  who: (ack: (sockets: SocketSummary[] | Failure) => void) => void;
  /** `io.serverSideEmitWithAck`: which other nodes answer. */
  "ask-nodes": (ack: (answers: string[] | Failure) => void) => void;
}

export interface ServerToClientEvents {
  chat: (line: Line) => void;
}

/** Events between nodes, through the adapter (`serverSideEmit`). */
export interface InterServerEvents {
  hello: (from: string, ack: (node: string) => void) => void;
}

export interface SocketData {
  client: string;
  /** The node the socket first connected to; recovery brings it along to another node. */
  node: string;
}
