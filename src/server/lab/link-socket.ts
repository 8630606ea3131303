import { Duplex } from "node:stream";
import type { Direction } from "../../shared/packet-faults.js";
import { LANE_HIGH_WATER, type Lane } from "./lane.js";
import type { Connection } from "./link-connections.js";
import type { PacketLink } from "./packet-link.js";
import { readPacket } from "./packet-reader.js";
import { PacketStream, type StreamItem } from "./packet-stream.js";
import type { RecordedHandshake } from "./recorded-handshake.js";
import { FrameSplitter, type WsFrame, type WsPiece } from "./ws-frames.js";

/**
 * What a WebSocket needs of the client's link: its two lanes, where to count the bytes that cross them, its
 * packet faults, and where to say that the connection closed.
 */
export interface SocketLink extends PacketLink {
  readonly toServer: Lane;
  readonly toClient: Lane;
  count(direction: "toServer" | "toClient", bytes: number): void;
  closed(connection: Connection): void;
}

/**
 * Where a FaultedDirection sends what goes on, and closes the connection when a fault says so. It is the
 * LinkSocket, told the direction, rather than two closures per direction: the lab has one per connection,
 * thousands under load, and each closure and its scope stay in the heap V8 marks ([8/8]).
 */
interface DirectionEnds {
  sendOn(direction: Direction, frames: Chunk[]): void;
  closeOn(direction: Direction): void;
}

type Chunk = { chunk: Buffer | string; encoding: BufferEncoding };

/** How the packet faults read a frame: Engine.IO sends each packet as one text frame, each attachment as one binary frame. */
function itemOf(frame: WsFrame): StreamItem {
  if (!frame.fin) return { opaque: true };
  if (frame.opcode === 1) {
    const text = frame.text();
    return { packet: readPacket(text), frame: text.slice(0, 100) };
  }
  return frame.opcode === 2 ? { attachment: true } : { opaque: true };
}

/** One direction of the socket as packet faults see it: its frames, and what the faults do to them. */
class FaultedDirection {
  readonly frames: FrameSplitter;
  /** Made when a fault first reads a frame of this direction: most connections never meet one. */
  private stream: PacketStream<Buffer> | undefined;
  /** Delayed frames that came due while a frame passed uninspected: they go in right after it. */
  private due: Buffer[][] | undefined;
  private closed = false;

  constructor(
    private readonly ends: DirectionEnds,
    private readonly packets: PacketLink,
    private readonly direction: Direction,
  ) {
    this.frames = new FrameSplitter(packets.maxFrameBytes);
  }

  /**
   * Whether a chunk can go on whole, as it came, with nothing made for it: no fault looks at this direction,
   * nothing is delayed or gathered. It then has been counted into the frame boundaries: send it on.
   */
  passes(chunk: Buffer | string, encoding: BufferEncoding): boolean {
    if (this.closed || this.due?.length || this.stream?.busy || this.packets.faults.has(this.direction)) return false;
    return this.frames.passWhole(chunk, encoding);
  }

  /** Splits what crossed into frames, applies the faults, and sends on what goes on now, in order. */
  feed(chunks: Chunk[]): void {
    const out: Chunk[] = [];
    let close = false;
    const inspect = this.packets.faults.has(this.direction) || this.stream?.busy === true;
    const onPiece = (piece: WsPiece) => {
      // After the packet a fault closed the connection on, nothing more crosses.
      if (close || this.closed) return;
      if ("raw" in piece) return void out.push({ chunk: piece.raw, encoding: piece.encoding ?? "utf8" });
      this.stream ??= new PacketStream(this.packets, this.direction);
      const step = this.stream.take(piece.frame.bytes, itemOf(piece.frame), piece.frame.bytes.length);
      // A copy of its own for a duplicate: ws unmasks a frame's payload in place, so the same bytes cannot go twice.
      step.now.forEach((bytes, i) => out.push({ chunk: step.now.indexOf(bytes) < i ? Buffer.from(bytes) : bytes, encoding: "utf8" }));
      if (step.later) this.later(step.later.dueAt, step.later.items);
      close ||= step.close;
    };
    for (const { chunk, encoding } of chunks) this.frames.feed(chunk, inspect, onPiece, encoding);
    if (this.frames.canInsert && this.due?.length)
      for (const frames of this.due.splice(0)) for (const chunk of frames) out.push({ chunk, encoding: "utf8" });
    if (out.length > 0) this.ends.sendOn(this.direction, out);
    if (close) {
      this.closed = true;
      this.ends.closeOn(this.direction);
    }
  }

  private later(dueAt: number, frames: Buffer[]): void {
    setTimeout(() => {
      if (!this.frames.canInsert) return void (this.due ??= []).push(frames);
      this.ends.sendOn(
        this.direction,
        frames.map((chunk) => ({ chunk, encoding: "utf8" as const })),
      );
    }, dueAt - Date.now()).unref();
  }
}

const LINK_SOCKET = Symbol("the LinkSocket this real socket's bytes cross to");
type RealSocket = Duplex & { [LINK_SOCKET]?: LinkSocket };

/** A reset from the client shows up as close right after; the lab hears of it through the link. */
function ignoreError(): void {}

/**
 * The lab's end of a WebSocket connection: the lab's `ws` server reads and writes it like a TCP socket,
 * while every byte, end and close actually crosses the client's NetworkLink to and from the real socket.
 * It is also the connection the link holds (cut by a drop) and closes when the real socket does.
 */
export class LinkSocket extends Duplex implements Connection, DirectionEnds {
  /** Closed by a packet fault ("close after N packets"): nothing more crosses either way. */
  private faultClosed = false;
  private readonly fromClient: FaultedDirection;
  private readonly fromLab: FaultedDirection;

  constructor(
    private readonly link: SocketLink,
    private readonly real: RealSocket,
    /** The upgrade this connection answers: the lab's first write on it, its 101, goes in its response. */
    private readonly handshake: RecordedHandshake,
  ) {
    super({ allowHalfOpen: false, decodeStrings: false });
    this.fromClient = new FaultedDirection(this, link, "toServer");
    this.fromLab = new FaultedDirection(this, link, "toClient");
    // The same listener functions for every real socket, each finding its LinkSocket on the socket: closures
    // made here would be four more functions and a scope per connection.
    real[LINK_SOCKET] = this;
    real.on("data", LinkSocket.onRealData);
    real.on("end", LinkSocket.onRealEnd);
    real.on("close", LinkSocket.onRealClose);
    real.on("error", ignoreError);
  }

  private static onRealData(this: RealSocket, chunk: Buffer): void {
    const socket = this[LINK_SOCKET];
    if (!socket) return;
    const { link, real } = socket;
    link.count("toServer", chunk.length);
    if (socket.faultClosed) return;
    if (!socket.fromClient.passes(chunk, "utf8")) socket.fromClient.feed([{ chunk, encoding: "utf8" }]);
    else if (link.toServer.immediate) socket.push(chunk);
    else link.toServer.send(() => void (socket.faultClosed || socket.push(chunk)), chunk.length);
    // A full lane stops reading from the client, as a full TCP window would.
    if (link.toServer.pendingBytes > LANE_HIGH_WATER) {
      real.pause();
      link.toServer.whenDrained(() => real.resume());
    }
  }

  private static onRealEnd(this: RealSocket): void {
    const socket = this[LINK_SOCKET];
    socket?.link.toServer.send(() => void (socket.faultClosed || socket.push(null)));
  }

  private static onRealClose(this: RealSocket): void {
    const socket = this[LINK_SOCKET];
    if (!socket) return;
    socket.link.closed(socket);
    socket.link.toServer.send(() => void socket.destroy());
  }

  /** Frames a FaultedDirection lets go on now. */
  sendOn(direction: Direction, chunks: Chunk[]): void {
    if (direction === "toClient") return this.toClient(chunks);
    for (const { chunk } of chunks) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      this.link.toServer.send(() => void (this.faultClosed || this.push(bytes)), bytes.length);
    }
  }

  /** A fault closes the connection after the packet it counted last, once that has crossed its lane. */
  closeOn(direction: Direction): void {
    const lane: Lane = direction === "toClient" ? this.link.toClient : this.link.toServer;
    lane.send(() => this.closeByFault());
  }

  /**
   * Closes the connection as its peer would, after the packet a fault counted last: the client gets the
   * lab's end (FIN) after what already crossed, and the lab sees the client's stream end, as a TCP close would.
   */
  private closeByFault(): void {
    if (this.faultClosed) return;
    this.faultClosed = true;
    this.real.end();
    this.push(null);
  }

  /** Cuts both ends at once: the client and the lab each see their connection die. */
  cut(): void {
    this.real.destroy();
    this.destroy();
  }

  override _read(): void {
    // Data is pushed as it crosses the link.
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk, encoding }], callback);
  }

  /**
   * ws corks the socket to write a frame's header and payload together: they cross the link as one piece
   * and reach the real socket corked as well, so the kernel gets one write, as it would without the lab.
   * Strings stay strings (decodeStrings is off): ws writes text payloads as strings, and the real socket
   * encodes them straight into the write, with no Buffer in between.
   */
  override _writev(chunks: { chunk: Buffer | string; encoding: BufferEncoding }[], callback: (error?: Error | null) => void): void {
    // The lab's first write on a new WebSocket is its handshake answer (101 Switching Protocols), not a frame.
    let handshake = false;
    if (!this.handshake.answered && chunks[0]) {
      handshake = true;
      const { chunk } = chunks[0];
      this.handshake.answeredWith(
        typeof chunk === "string" ? chunk.slice(0, 2048) : chunk.toString("latin1", 0, Math.min(chunk.length, 2048)),
      );
    }
    let bytes = 0;
    for (const { chunk, encoding } of chunks) bytes += typeof chunk === "string" ? Buffer.byteLength(chunk, encoding) : chunk.length;
    this.link.count("toClient", bytes);
    if (handshake) this.toClient(chunks, bytes);
    else if (!this.faultClosed) {
      let whole = 0;
      for (const { chunk, encoding } of chunks) {
        if (!this.fromLab.passes(chunk, encoding)) break;
        whole += 1;
      }
      if (whole === chunks.length) this.toClient(chunks, bytes);
      else {
        if (whole > 0) this.toClient(chunks.slice(0, whole));
        this.fromLab.feed(chunks.slice(whole));
      }
    }
    // The lab's writes wait while the lane is full, or the client does not read what already crossed it,
    // so the lab's own buffers take the backpressure (and its cap on them applies: outgoing-cap.ts).
    if (this.link.toClient.pendingBytes > LANE_HIGH_WATER) this.link.toClient.whenDrained(() => callback());
    else if (this.real.writableLength > LANE_HIGH_WATER) this.real.once("drain", () => callback());
    else callback();
  }

  /** Frames on their way to the client, written together (corked) as ws wrote them. */
  private toClient(chunks: Chunk[], knownBytes?: number): void {
    if (this.link.toClient.immediate) return this.writeToClient(chunks);
    let bytes = knownBytes ?? 0;
    if (knownBytes === undefined)
      for (const { chunk, encoding } of chunks) bytes += typeof chunk === "string" ? Buffer.byteLength(chunk, encoding) : chunk.length;
    this.link.toClient.send(() => this.writeToClient(chunks), bytes);
  }

  /** Writes frames to the real socket, corked together as ws wrote them. */
  private writeToClient(chunks: Chunk[]): void {
    if (this.real.destroyed || this.real.writableEnded) return;
    if (chunks.length > 1) this.real.cork();
    for (const { chunk, encoding } of chunks) this.real.write(chunk, encoding);
    if (chunks.length > 1) this.real.uncork();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.link.toClient.send(() => void (this.real.writableEnded || this.real.end()));
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.link.toClient.send(() => void this.real.destroy());
    callback(error);
  }

  // The parts of net.Socket that `ws` calls; timing and keep-alive belong to the real socket.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  get remoteAddress(): string | undefined {
    return (this.real as { remoteAddress?: string }).remoteAddress;
  }
}
