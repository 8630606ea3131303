import { Duplex } from "node:stream";
import { LANE_HIGH_WATER, type Lane } from "./lane.js";

/** What a WebSocket needs of the client's link: its two lanes, and where to count the bytes that cross them. */
export interface SocketLink {
  readonly toServer: Lane;
  readonly toClient: Lane;
  count(direction: "toServer" | "toClient", bytes: number): void;
}

/**
 * The lab's end of a WebSocket connection: the lab's `ws` server reads and writes it like a TCP socket,
 * while every byte, end and close actually crosses the client's NetworkLink to and from the real socket.
 */
export class LinkSocket extends Duplex {
  private answered = false;

  constructor(
    private readonly link: SocketLink,
    private readonly real: Duplex,
    /** Told of the lab's first write on this connection: its handshake answer (101 Switching Protocols). */
    private readonly onAnswer: (raw: string) => void,
  ) {
    super({ allowHalfOpen: false, decodeStrings: false });
    real.on("data", (chunk: Buffer) => {
      link.count("toServer", chunk.length);
      link.toServer.send(() => void this.push(chunk), chunk.length);
      // A full lane stops reading from the client, as a full TCP window would.
      if (link.toServer.pendingBytes > LANE_HIGH_WATER) {
        real.pause();
        link.toServer.whenDrained(() => real.resume());
      }
    });
    real.on("end", () => link.toServer.send(() => void this.push(null)));
    real.on("close", () => link.toServer.send(() => void this.destroy()));
    // A reset from the client shows up as close right after; the lab hears of it through the link.
    real.on("error", () => undefined);
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
    // The lab's first write on a new WebSocket is its handshake answer (101 Switching Protocols).
    if (!this.answered && chunks[0]) {
      this.answered = true;
      const { chunk } = chunks[0];
      this.onAnswer(typeof chunk === "string" ? chunk.slice(0, 2048) : chunk.toString("latin1", 0, Math.min(chunk.length, 2048)));
    }
    let bytes = 0;
    for (const { chunk, encoding } of chunks) bytes += typeof chunk === "string" ? Buffer.byteLength(chunk, encoding) : chunk.length;
    this.link.count("toClient", bytes);
    this.link.toClient.send(() => {
      if (this.real.destroyed) return;
      if (chunks.length > 1) this.real.cork();
      for (const { chunk, encoding } of chunks) this.real.write(chunk, encoding);
      if (chunks.length > 1) this.real.uncork();
    }, bytes);
    // The lab's writes wait while the lane is full, or the client does not read what already crossed it,
    // so the lab's own buffers take the backpressure (and its cap on them applies: outgoing-cap.ts).
    if (this.link.toClient.pendingBytes > LANE_HIGH_WATER) this.link.toClient.whenDrained(() => callback());
    else if (this.real.writableLength > LANE_HIGH_WATER) this.real.once("drain", () => callback());
    else callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.link.toClient.send(() => void this.real.end());
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
