import type { LinkTraffic } from "./network.js";

/** A snapshot of a lab server's state, read from the real server (docs/lab-api.md, "Server inspector"). */
export interface InspectorSnapshot {
  at: number;
  sockets: {
    id: string;
    client: string;
    transport: string;
    rooms: string[];
    data: unknown;
    recovered: boolean;
    /** Acknowledgements this socket's server side still waits for (server-to-client emits with an ack). */
    pendingAcks: number;
    /** In a lab of several server nodes (Scaling), the node that holds the socket now. */
    node?: string;
  }[];
  /** Rooms other than each socket's own private room, with their members' socket ids. */
  rooms: { name: string; members: string[] }[];
  recovery: {
    enabled: boolean;
    /** Packets the adapter keeps for clients that may come back. */
    retainedPackets: number;
    newestOffset?: string;
    /** Disconnected sessions the adapter keeps for recovery. */
    sessions: number;
  };
  /** Each named client's traffic as the lab's network link counted it. */
  links: LinkTraffic[];
  options: {
    pingInterval: number;
    pingTimeout: number;
    maxHttpBufferSize: number;
    transports: string[];
    connectionStateRecovery: false | { maxDisconnectionDuration: number; skipMiddlewares: boolean };
  };
}
