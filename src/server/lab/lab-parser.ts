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
 * Whether a packet's text could hold one of CONVERSION_KEYS once parsed: it names one, or has a `\u`
 * escape that could spell one (JSON's only escape for a letter). Most packets do neither, and JSON.parse
 * with a reviver is several times slower than without (V8 hands the reviver each value's source), which
 * the load benchmark showed as the lab's single largest parsing cost ([8/8]).
 */
export function mayHoldConversionKey(text: string): boolean {
  return text.includes("toString") || text.includes("valueOf") || text.includes("\\u");
}

/**
 * Socket.IO's own parser, refusing packets nested deeper than MAX_PAYLOAD_DEPTH before they are decoded,
 * and packets with a key that shadows toString or valueOf while they are. Socket.IO treats a decoding error
 * as a protocol error: it closes that client's connection ("parse error") and nothing reaches the lesson's
 * handlers.
 */
class Decoder extends SocketIoDecoder {
  constructor() {
    super({ reviver: refuseConversionKeys });
  }

  override add(packet: unknown): void {
    if (typeof packet === "string") {
      if (nestsDeeperThan(packet, MAX_PAYLOAD_DEPTH)) throw new Error(`payload nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
      // A binary packet's attachments come as Buffers after this text, which alone holds its JSON.
      // socket.io-parser parses with its (private) `opts.reviver`, and reports a throw from it as an invalid payload.
      (this as unknown as { opts: { reviver?: typeof refuseConversionKeys } }).opts.reviver = mayHoldConversionKey(packet)
        ? refuseConversionKeys
        : undefined;
    }
    super.add(packet);
  }
}

export const labParser = { Encoder, Decoder };
