/**
 * The terms the course uses, each defined once: the build marks a term's first appearance in each step
 * with a popover of this definition (src/markdown/), the glossary page lists them all, and the
 * timeline explains its entries with the wire terms. A definition states only what a lesson shows live.
 */
export interface GlossaryTerm {
  /** The fragment of the term on the glossary page. */
  id: string;
  term: string;
  /** Other ways the lessons write it; matched whole-word, case-insensitive unless the term is code. */
  aliases?: readonly string[];
  /** A term written as code (`sid`) is matched only in code spans, exactly. */
  code?: boolean;
  definition: string;
  /** The lesson (slug) that teaches it. */
  lesson: string;
}

export const GLOSSARY: readonly GlossaryTerm[] = [
  {
    id: "event",
    term: "event",
    definition:
      "A message with a name you choose and any number of arguments: one side calls emit(name, …args), the other listens with on(name, listener).",
    lesson: "emit",
  },
  {
    id: "frame",
    term: "frame",
    aliases: ["frames"],
    definition:
      'One message on the wire: an Engine.IO packet type digit, then for messages a Socket.IO packet type digit and the JSON, as in 42["greet","hi"].',
    lesson: "emit",
  },
  {
    id: "packet-types",
    term: "packet types",
    aliases: ["packet type"],
    definition:
      "The digits a frame starts with. Engine.IO: 0 open, 1 close, 2 ping, 3 pong, 4 message, 5 upgrade, 6 noop. Inside a message, Socket.IO: 0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK. So 42 is a message carrying an EVENT.",
    lesson: "emit",
  },
  {
    id: "ack",
    term: "acknowledgement",
    aliases: ["acknowledgements", "ack", "acks"],
    definition:
      "A reply to one emit: the sender passes a function as the last argument and the receiver calls it. On the wire the event carries an id (420[…]) and the reply repeats it (430[…]).",
    lesson: "acks",
  },
  {
    id: "sid",
    term: "sid",
    code: true,
    definition:
      "The Engine.IO session id the server sends in the open packet. Polling requests carry it in the URL (?sid=…); it is not the socket.id your code sees.",
    lesson: "transports",
  },
  {
    id: "eio",
    term: "EIO",
    code: true,
    aliases: ["EIO=4"],
    definition: "The Engine.IO protocol version in every request's query string; Socket.IO 4 speaks EIO=4.",
    lesson: "transports",
  },
  {
    id: "room",
    term: "room",
    aliases: ["rooms"],
    definition:
      "A named group of sockets that exists only on the server: socket.join(name) puts a socket in, and io.to(name).emit reaches every socket in it. A client cannot see which rooms it is in.",
    lesson: "rooms",
  },
  {
    id: "namespace",
    term: "namespace",
    aliases: ["namespaces"],
    definition:
      "A separate channel on the same connection, named by a path such as /admin, with its own events, rooms and middlewares. Its frames name it: 42/admin,[…].",
    lesson: "rooms",
  },
  {
    id: "pid",
    term: "pid",
    code: true,
    definition:
      "The private session id the server sends when connection state recovery is on. The client sends it back with its last offset on reconnecting, to be recovered.",
    lesson: "recovery",
  },
  {
    id: "offset",
    term: "offset",
    aliases: ["offsets"],
    definition:
      "The position of an event in the server's recovery buffer, appended to each stored event as its last argument. The client remembers the last one it received; with no event received yet there is no offset, and no recovery.",
    lesson: "recovery",
  },
  {
    id: "volatile",
    term: "volatile",
    code: true,
    definition:
      "An emit the client may drop instead of buffering when it cannot send: socket.volatile.emit. During the first reconnection delay the old transport still reports writable, so volatile emits are buffered after all.",
    lesson: "retries",
  },
  {
    id: "upgrade",
    term: "upgrade",
    aliases: ["upgrades"],
    definition:
      "The switch from HTTP long-polling to WebSocket: the client opens a WebSocket, tests it with 2probe / 3probe, then sends 5 (upgrade) and moves over.",
    lesson: "transports",
  },
  {
    id: "sticky-session",
    term: "sticky session",
    aliases: ["sticky sessions"],
    definition:
      "A load balancer that sends every request of one client to the same node. Long-polling needs it behind several nodes: a request that reaches another node gets HTTP 400 Session ID unknown.",
    lesson: "scaling",
  },
  {
    id: "adapter",
    term: "adapter",
    aliases: ["adapters"],
    definition: "The server part that carries broadcasts and room membership between several Socket.IO nodes, for example through Redis.",
    lesson: "scaling",
  },
];

/** The lessons the wire terms point to, by the titles the learner reads. */
const LESSON_TITLES: Readonly<Record<string, string>> = { "why-websocket": "Why WebSocket", transports: "Transports" };

/** What a timeline entry means, by its wire name: the lab's timeline explains itself with these. */
export const WIRE_TERMS: Readonly<Record<string, { text: string; lesson: string }>> = {
  "2probe": { text: "The client tests the new WebSocket before switching to it; the server answers 3probe.", lesson: "transports" },
  "3probe": { text: "The server's answer to 2probe: the new WebSocket works.", lesson: "transports" },
  upgrade: { text: "Engine.IO packet 5: the client moves from long-polling to the WebSocket it just tested.", lesson: "transports" },
  noop: {
    text: "Engine.IO packet 6: the server ends a waiting long-polling request so the client can switch to WebSocket.",
    lesson: "transports",
  },
  ping: {
    text: "Engine.IO packet 2: the server's heartbeat. A client that does not answer within pingTimeout is disconnected.",
    lesson: "why-websocket",
  },
  pong: { text: "Engine.IO packet 3: the client's answer to a ping.", lesson: "why-websocket" },
  open: {
    text: "Engine.IO packet 0: the server opens the session, with its sid, the transports it can upgrade to and the heartbeat times.",
    lesson: "transports",
  },
  close: { text: "Engine.IO packet 1: the session is closed.", lesson: "transports" },
};

/** The wire term an Engine.IO frame is, by its raw text: `2probe`, `5` (upgrade), `6` (noop), `2` (ping)… */
export function wireTermOf(raw: string): { name: string; text: string; lesson: string; lessonTitle: string } | undefined {
  const name =
    raw === "2probe" || raw === "3probe"
      ? raw
      : ({ "0": "open", "1": "close", "2": "ping", "3": "pong", "5": "upgrade", "6": "noop" } as Record<string, string>)[
          raw.startsWith("0{") ? "0" : raw
        ];
  const term = name ? WIRE_TERMS[name] : undefined;
  return name && term ? { name, ...term, lessonTitle: LESSON_TITLES[term.lesson] ?? term.lesson } : undefined;
}

/** The glossary page's link to a term. */
export function glossaryHref(id: string): string {
  return `/glossary#${id}`;
}
