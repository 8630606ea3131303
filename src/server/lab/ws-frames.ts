import { PACKET_PREFIX_CHARS } from "./packet-reader.js";

/** One whole WebSocket frame (RFC 6455), as it crossed the wire: header, mask and payload. */
export interface WsFrame {
  /** 1 text, 2 binary, 0 continuation, 8 close, 9 ping, 10 pong. */
  opcode: number;
  fin: boolean;
  bytes: Buffer;
  /** The start of the payload as text, unmasked: enough to read an Engine.IO packet's kind and name. */
  text(): string;
}

/** What the splitter hands on: bytes passed as they came, or a frame it assembled whole. */
export type WsPiece = { raw: Buffer | string; encoding?: BufferEncoding } | { frame: WsFrame };

/** The longest header: 2 bytes, 8 of extended length, 4 of mask. */
const MAX_HEADER = 14;

interface Header {
  fin: boolean;
  opcode: number;
  masked: boolean;
  headerBytes: number;
  payloadBytes: number;
}

/** The header of the frame that starts at `at`, or undefined while its bytes are not all there yet. */
function readHeader(bytes: Buffer, at = 0): Header | undefined {
  if (bytes.length - at < 2) return undefined;
  const first = bytes[at] ?? 0;
  const second = bytes[at + 1] ?? 0;
  const masked = (second & 0x80) !== 0;
  const short = second & 0x7f;
  const extended = short === 126 ? 2 : short === 127 ? 8 : 0;
  const headerBytes = 2 + extended + (masked ? 4 : 0);
  if (bytes.length - at < headerBytes) return undefined;
  // A 64-bit length past 2^53 is no length a lab would carry: it reads as "too long to inspect".
  const payloadBytes =
    short === 126
      ? bytes.readUInt16BE(at + 2)
      : short === 127
        ? Math.min(Number(bytes.readBigUInt64BE(at + 2)), Number.MAX_SAFE_INTEGER)
        : short;
  return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, masked, headerBytes, payloadBytes };
}

function frameOf(header: Header, bytes: Buffer): WsFrame {
  return {
    opcode: header.opcode,
    fin: header.fin,
    bytes,
    text() {
      // A UTF-8 character takes up to 4 bytes: this many bytes hold PACKET_PREFIX_CHARS characters.
      const end = Math.min(bytes.length, header.headerBytes + PACKET_PREFIX_CHARS * 4);
      const payload = Buffer.from(bytes.subarray(header.headerBytes, end));
      if (header.masked) {
        const mask = bytes.subarray(header.headerBytes - 4, header.headerBytes);
        for (let i = 0; i < payload.length; i += 1) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
      }
      return payload.toString("utf8");
    },
  };
}

/**
 * What an idle splitter holds, shared by all of them (two per connection, [8/8]). Frozen: it is only ever
 * replaced, and a push into it would throw rather than leak bytes into every other connection.
 */
const NO_PENDING = Object.freeze([]) as unknown as Buffer[];

/**
 * Finds the frames in one direction of a WebSocket's byte stream, which TCP cuts anywhere. While the link
 * has no packet fault for that direction (`inspect` false), bytes pass as they came and only frame
 * boundaries are tracked, so turning inspection on starts at the next whole frame. While inspecting, each
 * frame is assembled whole and handed on as one piece; a frame longer than `maxFrameBytes` (more than the
 * lab's server accepts) passes as it came, uninspected, so the splitter never holds more than that.
 */
export class FrameSplitter {
  /** Bytes of the current frame still to pass as they come. */
  private passing = 0;
  /** The current frame's bytes so far, while its header is incomplete or while it is assembled. */
  private pending: Buffer[] = NO_PENDING;
  private pendingBytes = 0;
  private header: Header | undefined;

  constructor(private readonly maxFrameBytes: number) {}

  /**
   * Whether a frame of the link's own (a delayed one) may go on now: no frame is half passed. A frame being
   * gathered or assembled has not gone on yet, so one may go before it.
   */
  get canInsert(): boolean {
    return this.passing === 0;
  }

  /**
   * The common case, a chunk no fault needs to see, made cheap: when nothing is being gathered and the chunk
   * does not end inside a frame's header, tracks the chunk's frame boundaries and answers true, and the
   * chunk passes whole as it came. Otherwise answers false, having changed nothing: `feed` it instead. Only
   * for a direction that is not inspecting. (Splitting each chunk into pieces, as `feed` does, and handing
   * each on was a fifth of the lab's own CPU in the load benchmark, [8/8].)
   */
  passWhole(chunk: Buffer | string, encoding: BufferEncoding = "utf8"): boolean {
    if (this.pendingBytes > 0 || this.header) return false;
    if (typeof chunk === "string") {
      if (this.passing === 0) return false;
      const length = Buffer.byteLength(chunk, encoding);
      if (length > this.passing) return false;
      this.passing -= length;
      return true;
    }
    let at = 0;
    let passing = this.passing;
    for (;;) {
      const left = chunk.length - at;
      if (passing >= left) {
        this.passing = passing - left;
        return true;
      }
      at += passing;
      const header = readHeader(chunk, at);
      if (!header) return false;
      at += header.headerBytes;
      passing = header.payloadBytes;
    }
  }

  feed(chunk: Buffer | string, inspect: boolean, out: (piece: WsPiece) => void, encoding: BufferEncoding = "utf8"): void {
    if (typeof chunk === "string") {
      // ws writes a text payload as one string: it passes whole within the frame its header began.
      const length = Buffer.byteLength(chunk, encoding);
      if (length <= this.passing) {
        this.passing -= length;
        return out({ raw: chunk, encoding });
      }
      chunk = Buffer.from(chunk, encoding);
    }
    let at = 0;
    while (at < chunk.length) {
      if (this.passing > 0) {
        const take = Math.min(this.passing, chunk.length - at);
        out({ raw: at === 0 && take === chunk.length ? chunk : chunk.subarray(at, at + take) });
        this.passing -= take;
        at += take;
        continue;
      }
      if (!this.header) {
        // Gather just enough for the header: at most 14 bytes are copied.
        const take = Math.min(MAX_HEADER - this.pendingBytes, chunk.length - at);
        const joined = Buffer.concat([...this.pending, chunk.subarray(at, at + take)]);
        const header = readHeader(joined);
        if (!header) {
          this.pending = [joined];
          this.pendingBytes = joined.length;
          at += take;
          continue;
        }
        // What of this chunk the header used; the rest is payload, read on.
        at += header.headerBytes - this.pendingBytes;
        const headerBytes = joined.subarray(0, header.headerBytes);
        this.pending = NO_PENDING;
        this.pendingBytes = 0;
        if (!inspect || header.headerBytes + header.payloadBytes > this.maxFrameBytes) {
          out({ raw: headerBytes });
          this.passing = header.payloadBytes;
          continue;
        }
        this.header = header;
        this.pending = [headerBytes];
        this.pendingBytes = headerBytes.length;
      }
      const header = this.header;
      const total = header.headerBytes + header.payloadBytes;
      const take = Math.min(total - this.pendingBytes, chunk.length - at);
      this.pending.push(chunk.subarray(at, at + take));
      this.pendingBytes += take;
      at += take;
      if (this.pendingBytes === total) {
        const bytes = Buffer.concat(this.pending, total);
        this.pending = NO_PENDING;
        this.pendingBytes = 0;
        this.header = undefined;
        out({ frame: frameOf(header, bytes) });
      }
    }
  }
}
