import type { HttpExchange } from "./http-exchange.js";
import type { LabRequest } from "./lab-request.js";
import type { TrafficSink } from "./network-link.js";
import { logRequest } from "./request-log.js";
import type { ServerLog } from "./server-log.js";

/**
 * What a lab does with its links' traffic: every count moves the inspector (its state listeners), and a
 * lab whose lesson is about the wire also logs each HTTP exchange.
 */
export class LabTraffic implements TrafficSink {
  constructor(
    private readonly stateListeners: ReadonlySet<() => void>,
    /** The server log to write each exchange to; none when the lesson does not log requests. */
    private readonly requestLog: ServerLog | undefined,
  ) {}

  counted(): void {
    for (const listener of this.stateListeners) listener();
  }

  exchanged(client: string, exchange: HttpExchange, request: LabRequest): void {
    this.counted();
    if (this.requestLog) logRequest(this.requestLog, client, exchange, request);
  }
}
