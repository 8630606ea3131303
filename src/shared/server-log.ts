import type { PacketFaultMark } from "./packet-faults.js";

/** What a lab's server log shows: one entry per thing the real lab server saw or did. */
export type ServerLogEntry = {
  at: number;
  /** In a lab of several server nodes (Scaling), the node that logged it. */
  node?: string;
} & (
  | { kind: "connect"; client: string; socketId: string; transport: string }
  | { kind: "disconnect"; client: string; socketId: string; reason: string; description?: string }
  | { kind: "received" | "sent"; client: string; socketId: string; frame: string }
  | { kind: "upgrade"; client: string; socketId: string; transport: string }
  | { kind: "refused"; client: string; message: string }
  | { kind: "log"; message: string }
  | {
      kind: "fault";
      client?: string;
      message: string;
      /** A packet fault acting on one packet (src/shared/packet-faults.ts). */
      packet?: PacketFaultMark;
    }
  | {
      /** One HTTP request and its response, logged by lessons about the wire (e.g. Transports). */
      kind: "http";
      client: string;
      method: string;
      /** The path after the lab's prefix, without the `client` parameter. */
      path: string;
      /** 0 when the connection was cut before the response ended. */
      status: number;
      bytesToServer: number;
      bytesToClient: number;
      /** The body that carried data: a POST's request body, or a GET's response body (cut short). */
      body?: string;
    }
  | { kind: "room"; client: string; socketId: string; room: string; action: "joined" | "left" }
);

export type ServerLogKind = ServerLogEntry["kind"];
