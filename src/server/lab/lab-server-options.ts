import { labParser } from "./lab-parser.js";

/**
 * The Engine.IO options every lab's server runs with. Frames stay readable on the wire, and compression
 * would cost CPU for nothing on small frames; the payload cap is the playground's.
 */
export function labEngineOptions({ pingInterval, pingTimeout }: { pingInterval: number; pingTimeout: number }, maxPayloadBytes: number) {
  return { pingInterval, pingTimeout, maxHttpBufferSize: maxPayloadBytes, httpCompression: false, perMessageDeflate: false };
}

/** The Socket.IO options every lab's server runs with: the parser that refuses over-nested payloads. */
export const LAB_IO_OPTIONS = { cleanupEmptyChildNamespaces: true, parser: labParser };

/**
 * Raw Engine.IO connections that never join a namespace still cost memory: past twice the clients cap,
 * a new one is refused (as `allowRequest`'s error, HTTP 403) before any session is made.
 */
export function connectionRefusal(openConnections: number, maxClients: number, noun: string): string | undefined {
  return openConnections >= maxClients * 2 ? `Too many open connections to this ${noun}` : undefined;
}
