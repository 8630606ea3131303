import type { Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents, StoredMessage } from "./events.js";

/**
 * Resend strategy "offset", the client's half: keep the id of the newest row seen in `socket.auth`, which
 * travels with every connection attempt. Rows arrive in `message`, `missed` and `state`: an event that
 * did not move the offset would have its rows sent again on every later connection that is not recovered.
 * The lesson's text shows the region below as it is, and the lab's own clients run it.
 */
export function trackServerOffset(socket: Socket<ServerToClientEvents, ClientToServerEvents>): void {
  // #region track
  socket.auth = { serverOffset: 0 };
  const advance = (messages: StoredMessage[]) => {
    const newest = messages.at(-1);
    if (newest) socket.auth = { serverOffset: newest.id };
  };
  socket.on("message", (message) => advance([message]));
  socket.on("missed", advance);
  socket.on("state", advance);
  // #endregion
}
