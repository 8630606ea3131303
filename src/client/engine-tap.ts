import type { Socket } from "socket.io-client";
import type { FrameData } from "../shared/wire.js";
import type { WireDirection } from "./ack-matcher.js";

/**
 * What socket.io-client does not announce, read from its internals. Each patch below says why no public API
 * would do; everything here only observes, and every call goes through to the original.
 */

/** One Engine.IO packet crossing the client's connection, as its engine reports it. */
export interface WireEvent {
  at: number;
  direction: WireDirection;
  type: string;
  data?: FrameData;
}

/** The client's transport changing: the probe succeeded (`upgrading`), then the switch (`upgraded`). */
export interface TransportEvent {
  at: number;
  stage: "upgrading" | "upgraded";
  transport: string;
}

export interface EngineTapListeners {
  wire(event: WireEvent): void;
  transport(event: TransportEvent): void;
  /** The engine opened or a ping arrived: the heartbeat restarts. */
  beat(): void;
}

type Packet = { type: string; data?: FrameData };
type Engine = Socket["io"]["engine"];

/** Reports every packet of every engine `socket`'s Manager opens, from the handshake on, upgrade probes included. */
export function tapEngines(socket: Socket, listeners: EngineTapListeners): void {
  const watched = new WeakSet<object>();
  // Patch 1, Manager.open: each (re)connection makes a new engine inside `open` and nothing announces it;
  // wrapping `open` catches the engine before its handshake, so the open packet is seen too.
  const manager = socket.io;
  const open = manager.open.bind(manager);
  manager.open = (callback) => {
    const result = open(callback);
    const engine = manager.engine;
    // `open` returns early when the engine is already open: watch each engine once.
    if (engine && !watched.has(engine)) {
      watched.add(engine);
      watchEngine(engine, listeners);
    }
    return result;
  };
}

function watchEngine(engine: Engine, listeners: EngineTapListeners): void {
  const wire = (direction: WireDirection, packet: Packet) =>
    listeners.wire({ at: Date.now(), direction, type: packet.type, data: packet.data });
  engine.on("open", () => listeners.beat());
  engine.on("ping", () => listeners.beat());
  engine.on("packet", (packet: Packet) => wire("to-client", packet));
  engine.on("packetCreate", (packet: Packet) => wire("to-server", packet));
  tapProbes(engine, wire);
  engine.on("upgrading", (transport: { name: string }) =>
    listeners.transport({ at: Date.now(), stage: "upgrading", transport: transport.name }),
  );
  engine.on("upgrade", (transport: { name: string }) =>
    listeners.transport({ at: Date.now(), stage: "upgraded", transport: transport.name }),
  );
}

/**
 * Patch 2, Socket.createTransport: the upgrade probe (2probe, 3probe, then 5) travels on the new transport
 * before the engine adopts it, so the engine's own packet events never see it; catch each transport the
 * engine creates to probe with.
 */
function tapProbes(engine: Engine, wire: (direction: WireDirection, packet: Packet) => void): void {
  type ProbeTransport = {
    name: string;
    send(packets: Packet[]): void;
    on(event: "packet", listener: (packet: Packet) => void): void;
  };
  const internals = engine as unknown as { createTransport(name: string): ProbeTransport };
  const create = internals.createTransport.bind(engine);
  internals.createTransport = (name) => {
    const transport = create(name);
    let probing = true;
    engine.once("upgrade", () => queueMicrotask(() => (probing = false)));
    engine.once("upgradeError", () => (probing = false));
    const send = transport.send.bind(transport);
    transport.send = (packets) => {
      // Once adopted, the engine's own packetCreate reports what it sends; only the upgrade packet itself
      // goes out on the adopted transport without one.
      const adopted = engine.transport === (transport as unknown);
      for (const packet of packets) {
        if (probing && (!adopted || packet.type === "upgrade")) wire("to-server", packet);
      }
      send(packets);
    };
    transport.on("packet", (packet) => {
      if (probing && engine.transport !== (transport as unknown)) wire("to-client", packet);
    });
    return transport;
  };
}

/**
 * Patch 3, Manager.backoff.duration: the Manager computes each reconnection delay with its private backoff
 * and announces no delay; reading the value it computes is the only way to show the real countdown rather
 * than a guess.
 */
export function tapBackoff(socket: Socket, onDelay: (delayMs: number) => void): void {
  const manager = socket.io as unknown as { backoff: { duration(): number } };
  const duration = manager.backoff.duration.bind(manager.backoff);
  manager.backoff.duration = () => {
    const delayMs = duration();
    onDelay(delayMs);
    return delayMs;
  };
}
