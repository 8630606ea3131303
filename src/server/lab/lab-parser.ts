import { Decoder as SocketIoDecoder, Encoder } from "socket.io-parser";
import { MAX_PAYLOAD_DEPTH, nestsDeeperThan } from "./payload-depth.js";

/**
 * Keys that, as own data properties, make a decoded object unconvertible: `String({ toString: 1 })`,
 * `${value}` and `Number(value)` then throw a TypeError. Handlers run in a process.nextTick, so one such
 * throw in any lesson handler (or, later, a learner's) is an uncaught exception that ends the host for
 * everyone. JSON can give no object a callable toString, so no honest payload needs these keys.
 */
const CONVERSION_KEYS = new Set(["toString", "valueOf"]);

function refuseConversionKeys(key: string, value: unknown): unknown {
  if (CONVERSION_KEYS.has(key)) throw new Error(`payload has a "${key}" key`);
  return value;
}

/**
 * Socket.IO's own parser, refusing packets nested deeper than MAX_PAYLOAD_DEPTH before they are decoded,
 * and packets with a key that shadows toString or valueOf while they are. Socket.IO treats a decoding error
 * as a protocol error: it closes that client's connection ("parse error") and nothing reaches the lesson's
 * handlers.
 */
class Decoder extends SocketIoDecoder {
  constructor() {
    // socket.io-parser parses with this reviver and reports any throw from it as an invalid payload.
    super({ reviver: refuseConversionKeys });
  }

  override add(packet: unknown): void {
    if (typeof packet === "string" && nestsDeeperThan(packet, MAX_PAYLOAD_DEPTH)) {
      throw new Error(`payload nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    }
    super.add(packet);
  }
}

export const labParser = { Encoder, Decoder };
