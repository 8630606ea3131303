import { Decoder as SocketIoDecoder, Encoder } from "socket.io-parser";
import { MAX_PAYLOAD_DEPTH, nestsDeeperThan } from "./payload-depth.js";

/**
 * Socket.IO's own parser, refusing packets nested deeper than MAX_PAYLOAD_DEPTH before they are decoded.
 * Socket.IO treats a decoding error as a protocol error: it closes that client's connection ("parse error")
 * and nothing reaches the lesson's handlers.
 */
class Decoder extends SocketIoDecoder {
  override add(packet: unknown): void {
    if (typeof packet === "string" && nestsDeeperThan(packet, MAX_PAYLOAD_DEPTH)) {
      throw new Error(`payload nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    }
    super.add(packet);
  }
}

export const labParser = { Encoder, Decoder };
