/**
 * How each lesson's server joins and leaves rooms: rooms are server-side only, so a client asks with an event
 * its lesson's handlers answer (src/lessons/<slug>/server.ts). A join or leave step emits it and waits for the
 * ack. Recovery's `move` leaves every other room first, as its lab's "Move to room" does.
 */
export const ROOM_EVENTS: Readonly<Record<string, { join: string; leave?: string }>> = {
  rooms: { join: "join", leave: "leave" },
  scaling: { join: "join" },
  recovery: { join: "move" },
};
