/**
 * A plain WebSocket that talks to a Socket.IO server by speaking its framing by hand: the least any client
 * must implement, because the server only understands Engine.IO and Socket.IO packets, not bare messages.
 */

/** One frame on the bare WebSocket, and what it means in the protocol. */
export interface BareFrame {
  direction: "sent" | "received";
  frame: string;
  meaning: string;
}

/** The event the bare client sends once the server has accepted its CONNECT. */
export const BARE_HELLO = '42["hello","from a bare WebSocket"]';

/** The part of the WebSocket API this needs: the browser's, or the `ws` package's in Node. */
export interface WebSocketLike {
  send(data: string): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number }) => void): void;
}

/** What the protocol says a frame the server sent is, read from its first characters. */
function meaningOf(frame: string): string {
  if (frame.startsWith("0")) return "Engine.IO open: the session id and heartbeat settings";
  if (frame === "2") return "Engine.IO ping";
  if (frame.startsWith("40")) return "Socket.IO CONNECT accepted, with this socket's id";
  if (frame.startsWith("42")) return "Socket.IO EVENT: the event name, then its arguments";
  if (frame.startsWith("41")) return "Socket.IO DISCONNECT";
  return "another packet";
}

/** The URL of the lab's WebSocket endpoint, as a bare client must spell it: Engine.IO 4, WebSocket from the start. */
export function bareWebSocketUrl(origin: string, path: string, client: string): string {
  return `${origin.replace(/^http/, "ws")}${path}/?EIO=4&transport=websocket&client=${encodeURIComponent(client)}`;
}

/**
 * Answers the server the way socket.io-client would, frame by frame, reporting every frame to `onFrame`:
 * CONNECT after Engine.IO's open, a pong for each ping (without one the server closes the connection after
 * pingTimeout), and one EVENT once connected.
 */
export function speakSocketIo(socket: WebSocketLike, onFrame: (frame: BareFrame) => void, onClose: (code: number) => void): void {
  const send = (frame: string, meaning: string) => {
    socket.send(frame);
    onFrame({ direction: "sent", frame, meaning });
  };
  socket.addEventListener("message", ({ data }) => {
    const frame = String(data);
    onFrame({ direction: "received", frame, meaning: meaningOf(frame) });
    if (frame.startsWith("0")) send("40", "Socket.IO CONNECT to the main namespace");
    else if (frame === "2") send("3", "Engine.IO pong");
    else if (frame.startsWith("40")) send(BARE_HELLO, "Socket.IO EVENT hello");
  });
  socket.addEventListener("close", ({ code }) => onClose(code));
}
