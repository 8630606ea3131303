/**
 * Reads Engine.IO packets and Socket.IO packets as they travel, for the timeline. Unlike socket.io-parser it
 * keeps everything a learner may want to see (ack ids, attachment counts, namespaces, the connect's pid)
 * and never throws: a frame it cannot read is shown as such.
 */

export type EngineType = "open" | "close" | "ping" | "pong" | "message" | "upgrade" | "noop";
export const ENGINE_TYPES: readonly EngineType[] = ["open", "close", "ping", "pong", "message", "upgrade", "noop"];

export type PacketType = "CONNECT" | "DISCONNECT" | "EVENT" | "ACK" | "CONNECT_ERROR" | "BINARY_EVENT" | "BINARY_ACK";
export const PACKET_TYPES: readonly PacketType[] = ["CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK"];

export interface DecodedPacket {
  type: PacketType;
  nsp: string;
  /** The acknowledgement id: on an EVENT it asks for an ack, on an ACK it answers that id. */
  id?: number;
  /** How many binary frames follow a BINARY_EVENT or BINARY_ACK. */
  attachments?: number;
  event?: string;
  args?: unknown[];
  /** CONNECT from the server: the session id and, with connection state recovery, the private session id. */
  sid?: string;
  pid?: string;
  /** CONNECT from a client: its auth payload (with `pid` and `offset` when it asks for recovery). */
  auth?: unknown;
  /** CONNECT_ERROR: the server's message. */
  message?: string;
  /** Data that is not valid JSON: the frame is shown, not read. */
  malformed?: string;
}

export interface DecodedFrame {
  engine: EngineType | "binary";
  /** `2probe` / `3probe`: the ping and pong that test a new WebSocket before the upgrade. */
  probe?: boolean;
  packet?: DecodedPacket;
  /** The frame as it travels: `42["hi"]`, or `<binary frame, 3 bytes>` for an attachment. */
  raw: string;
  bytes?: number;
}

type Binary = ArrayBuffer | ArrayBufferView;

/** One Engine.IO packet as the engines report it: a type and, for a message, its data. */
export function decodeEnginePacket(type: string, data?: string | Binary): DecodedFrame {
  const engine = (ENGINE_TYPES as readonly string[]).includes(type) ? (type as EngineType) : "noop";
  const digit = ENGINE_TYPES.indexOf(engine);
  if (data !== undefined && typeof data !== "string") {
    return { engine: "binary", raw: `<binary frame, ${data.byteLength} bytes>`, bytes: data.byteLength };
  }
  const raw = `${digit}${data ?? ""}`;
  if (engine === "ping" || engine === "pong") return { engine, raw, ...(data === "probe" ? { probe: true } : {}) };
  if (engine !== "message" || data === undefined) return { engine, raw };
  return { engine, raw, packet: decodeSocketPacket(data) };
}

/** A frame as the server log shows it: the Engine.IO digit, then the data. */
export function decodeFrame(raw: string): DecodedFrame {
  if (raw.startsWith("<binary")) {
    const bytes = Number(/(\d+) bytes/.exec(raw)?.[1] ?? 0);
    return { engine: "binary", raw, bytes };
  }
  const type = ENGINE_TYPES[Number(raw[0])];
  if (type === undefined) return { engine: "noop", raw };
  return { ...decodeEnginePacket(type, raw.slice(1)), raw };
}

/** A Socket.IO packet: type digit, `N-` attachments, `/nsp,`, ack id digits, then JSON. */
export function decodeSocketPacket(text: string): DecodedPacket {
  let i = 0;
  const type = PACKET_TYPES[Number(text[i++])] ?? "EVENT";
  const packet: DecodedPacket = { type, nsp: "/" };
  if (type === "BINARY_EVENT" || type === "BINARY_ACK") {
    const dash = text.indexOf("-", i);
    packet.attachments = Number(text.slice(i, dash));
    i = dash + 1;
  }
  if (text[i] === "/") {
    const comma = text.indexOf(",", i);
    const end = comma === -1 ? text.length : comma;
    packet.nsp = text.slice(i, end);
    i = comma === -1 ? end : end + 1;
  }
  const digits = /^\d+/.exec(text.slice(i))?.[0];
  if (digits) {
    packet.id = Number(digits);
    i += digits.length;
  }
  const json = text.slice(i);
  if (json === "") return packet;
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return { ...packet, malformed: json };
  }
  switch (type) {
    case "EVENT":
    case "BINARY_EVENT":
      if (Array.isArray(data) && typeof data[0] === "string") {
        packet.event = data[0];
        packet.args = data.slice(1);
      } else {
        packet.malformed = json;
      }
      break;
    case "ACK":
    case "BINARY_ACK":
      packet.args = Array.isArray(data) ? data : [data];
      break;
    case "CONNECT":
      if (data && typeof data === "object" && "sid" in data) {
        const { sid, pid } = data as { sid?: unknown; pid?: unknown };
        if (typeof sid === "string") packet.sid = sid;
        if (typeof pid === "string") packet.pid = pid;
      } else {
        packet.auth = data;
      }
      break;
    case "CONNECT_ERROR":
      packet.message =
        data && typeof data === "object" && "message" in data ? String((data as { message: unknown }).message) : String(data);
      break;
    default:
      break;
  }
  return packet;
}

function preview(args: readonly unknown[] | undefined): string {
  if (!args || args.length === 0) return "";
  const text = args.map((arg) => JSON.stringify(arg) ?? String(arg)).join(", ");
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** One line a learner reads in the timeline: `EVENT greet("hi") #0`, `ACK #0`, `CONNECT sid=… pid=…`. */
export function summarize(frame: DecodedFrame): string {
  if (frame.engine === "binary") return `binary attachment (${frame.bytes ?? 0} bytes)`;
  if (frame.probe) return frame.engine === "ping" ? "ping probe (2probe)" : "pong probe (3probe)";
  if (frame.engine !== "message") return frame.engine === "upgrade" ? "upgrade (5)" : frame.engine;
  const packet = frame.packet;
  if (!packet) return "message";
  const nsp = packet.nsp === "/" ? "" : ` ${packet.nsp}`;
  const id = packet.id === undefined ? "" : ` #${packet.id}`;
  const attachments = packet.attachments ? ` +${packet.attachments} binary` : "";
  if (packet.malformed !== undefined) return `${packet.type}${nsp} (unreadable data)`;
  switch (packet.type) {
    case "EVENT":
    case "BINARY_EVENT":
      return `${packet.type}${nsp} ${packet.event}(${preview(packet.args)})${id}${attachments}`;
    case "ACK":
    case "BINARY_ACK":
      return `${packet.type}${nsp}${id} (${preview(packet.args)})${attachments}`;
    case "CONNECT":
      return packet.sid ? `CONNECT${nsp} sid=${packet.sid}${packet.pid ? ` pid=${packet.pid}` : ""}` : `CONNECT${nsp}`;
    case "CONNECT_ERROR":
      return `CONNECT_ERROR${nsp}: ${packet.message ?? ""}`;
    default:
      return `${packet.type}${nsp}`;
  }
}
