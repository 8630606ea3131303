import type { IncomingMessage } from "node:http";
import type { Handshake } from "../../shared/network.js";
import { requestHead, responseHead, type RequestHeadParts } from "./http-exchange.js";

/**
 * One WebSocket upgrade's handshake, kept as the parts it arrived in: the request's own fields (its header
 * array is the one Node already holds for the request) and the first bytes the lab wrote back. It is turned
 * into lines only when the inspector asks. Made into lines at once, every healthy connection carried a dozen
 * strings and two arrays, ~0.7 KB of heap per client that marking visited and nobody read ([8/8]).
 */
export class RecordedHandshake implements RequestHeadParts {
  readonly at = Date.now();
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly httpVersion: string;
  readonly rawHeaders: string[];
  /** The start of the lab's first write on the connection (its 101, or a refusal); undefined until then. */
  private answer: string | undefined;

  constructor(req: IncomingMessage) {
    this.method = req.method;
    this.url = req.url;
    this.httpVersion = req.httpVersion;
    this.rawHeaders = req.rawHeaders;
  }

  get answered(): boolean {
    return this.answer !== undefined;
  }

  /** The lab's first write on the connection; later ones are frames, not the answer. */
  answeredWith(raw: string): void {
    this.answer ??= raw;
  }

  view(): Handshake {
    return { at: this.at, request: requestHead(this), response: this.answer === undefined ? [] : responseHead(this.answer) };
  }
}
