import { Duplex } from "node:stream";
import { LANE_HIGH_WATER, type NetworkLink } from "./network-link.js";

/**
 * The lab's end of a WebSocket connection: the lab's `ws` server reads and writes it like a TCP socket,
 * while every byte, end and close actually crosses the client's NetworkLink to and from the real socket.
 */
export class LinkSocket extends Duplex {
  private answered = false;

  constructor(
    private readonly link: NetworkLink,
    private readonly real: Duplex,
    /** Told of the lab's first write on this connection: its handshake answer (101 Switching Protocols). */
    private readonly onAnswer: (raw: string) => void,
  ) {
    super({ allowHalfOpen: false });
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

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // The lab's first write on a new WebSocket is its handshake answer (101 Switching Protocols).
    if (!this.answered) {
      this.answered = true;
      this.onAnswer(chunk.toString("latin1", 0, Math.min(chunk.length, 2048)));
    }
    this.link.count("toClient", chunk.length);
    this.link.toClient.send(() => {
      if (!this.real.destroyed) this.real.write(chunk);
    }, chunk.length);
    // The lab's writes wait while the lane is full, so its own buffers take the backpressure.
    if (this.link.toClient.pendingBytes > LANE_HIGH_WATER) this.link.toClient.whenDrained(() => callback());
    else callback();
  }

  /**
   * ws corks the socket to write a frame's header and payload together; a net.Socket turns that into one
   * write. Without this, each piece would cross the link, and reach the kernel, on its own.
   */
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    const data = chunks.length === 1 ? (chunks[0]?.chunk ?? Buffer.alloc(0)) : Buffer.concat(chunks.map(({ chunk }) => chunk));
    this._write(data, "binary", callback);
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
