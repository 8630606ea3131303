/** What a lab's server log shows: one entry per thing the real lab server saw or did. */
export type ServerLogEntry = { at: number } & (
  | { kind: "connect"; client: string; socketId: string; transport: string }
  | { kind: "disconnect"; client: string; socketId: string; reason: string; description?: string }
  | { kind: "received" | "sent"; client: string; socketId: string; frame: string }
  | { kind: "upgrade"; client: string; socketId: string; transport: string }
  | { kind: "refused"; client: string; message: string }
  | { kind: "log"; message: string }
  | { kind: "fault"; client?: string; message: string }
  | { kind: "room"; client: string; socketId: string; room: string; action: "joined" | "left" }
);

export type ServerLogKind = ServerLogEntry["kind"];
