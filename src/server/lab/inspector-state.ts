import type { Namespace, Server } from "socket.io";
import type { InspectorSnapshot } from "../../shared/inspector.js";
import { clientName } from "./client-name.js";

/** The part of the inspector a Socket.IO server holds: its sockets, rooms, recovery buffer and options. */
export type ServerState = Omit<InspectorSnapshot, "at" | "links">;

/** The server's state as it really holds it, read from the server itself (its options with the defaults it filled in). */
export function inspectServer(io: Server): ServerState {
  const recovery = io._opts.connectionStateRecovery;
  return {
    ...inspectNamespace(io.of("/"), recovery !== undefined),
    options: {
      pingInterval: io.engine.opts.pingInterval ?? 0,
      pingTimeout: io.engine.opts.pingTimeout ?? 0,
      maxHttpBufferSize: io.engine.opts.maxHttpBufferSize ?? 0,
      transports: (io.engine.opts.transports ?? []).map(String),
      connectionStateRecovery: recovery
        ? { maxDisconnectionDuration: recovery.maxDisconnectionDuration ?? 0, skipMiddlewares: recovery.skipMiddlewares ?? false }
        : false,
    },
  };
}

function inspectNamespace(namespace: Namespace, recoveryEnabled: boolean): Omit<ServerState, "options"> {
  const sockets = [...namespace.sockets.values()];
  const ownRooms = new Set(sockets.map((socket) => socket.id));
  // The adapter's recovery buffer and a socket's pending acks are private fields: the only way to show
  // the real numbers is to read them (socket.io-adapter SessionAwareAdapter, socket.io Socket).
  const adapter = namespace.adapter as unknown as { packets?: { id: string }[]; sessions?: Map<string, unknown> };
  return {
    sockets: sockets.map((socket) => ({
      id: socket.id,
      client: clientName(socket),
      transport: socket.conn.transport.name,
      rooms: [...socket.rooms],
      data: jsonSafe(socket.data),
      recovered: socket.recovered,
      pendingAcks: (socket as unknown as { acks?: Map<number, unknown> }).acks?.size ?? 0,
    })),
    rooms: [...namespace.adapter.rooms.entries()]
      .filter(([name]) => !ownRooms.has(name))
      .map(([name, members]) => ({ name, members: [...members] })),
    recovery: {
      enabled: recoveryEnabled,
      retainedPackets: adapter.packets?.length ?? 0,
      ...(adapter.packets?.length ? { newestOffset: adapter.packets.at(-1)?.id } : {}),
      sessions: adapter.sessions?.size ?? 0,
    },
  };
}

/** `socket.data` is the lesson's: show it as JSON, and say so when it cannot be. */
function jsonSafe(value: unknown): unknown {
  try {
    const text = JSON.stringify(value ?? {});
    return text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : (JSON.parse(text) as unknown);
  } catch {
    return "(not JSON-serialisable)";
  }
}
