import { PACKET_FAULT_LIMITS } from "../../shared/packet-faults.js";
import type { HttpExchange } from "./http-exchange.js";
import type { PacketFaultNote } from "./packet-fault-set.js";
import type { LabRequest } from "./lab-request.js";
import type { TrafficSink } from "./network-link.js";
import { logRequest } from "./request-log.js";
import type { ServerLog } from "./server-log.js";

/**
 * What a lab does with its links' traffic: every count moves the inspector (its state listeners), and a
 * lab whose lesson is about the wire also logs each HTTP exchange.
 */
export class LabTraffic implements TrafficSink {
  /** Per client: the second being counted, the fault lines written in it, and those left out. */
  private readonly faultLines = new Map<string, { second: number; written: number; skipped: number }>();

  constructor(
    private readonly stateListeners: ReadonlySet<() => void>,
    /** The server log to write each exchange to; none when the lesson does not log requests. */
    private readonly requestLog: ServerLog | undefined,
    /** The lab's server log, where every lab writes what its packet faults did. */
    private readonly log: ServerLog,
  ) {}

  /** One line per faulted packet, up to PACKET_FAULT_LIMITS.maxFaultLinesPerSecond a client; then a count. */
  faulted(client: string, notes: PacketFaultNote[], frame: string): void {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    let count = this.faultLines.get(client);
    if (!count || count.second !== second) {
      count = { second, written: 0, skipped: 0 };
      this.faultLines.set(client, count);
      // Forgets clients gone quiet, so the map stays as small as the lab's links.
      if (this.faultLines.size > 64) for (const [name, old] of this.faultLines) if (old.second < second - 1) this.faultLines.delete(name);
    }
    for (const { faultId, action, direction, message } of notes) {
      if (count.written < PACKET_FAULT_LIMITS.maxFaultLinesPerSecond) {
        count.written += 1;
        this.log.add({ at: now, kind: "fault", client, message, packet: { faultId, action, direction, frame } });
        continue;
      }
      count.skipped += 1;
      if (count.skipped > 1) continue;
      // The second's count, said once it is over.
      const counted = count;
      setTimeout(
        () => {
          const message = `… and ${counted.skipped} more faulted packets in that second, not logged one by one`;
          this.log.add({ at: Date.now(), kind: "fault", client, message });
        },
        1000 - (now % 1000),
      ).unref();
    }
  }

  counted(): void {
    for (const listener of this.stateListeners) listener();
  }

  exchanged(client: string, exchange: HttpExchange, request: LabRequest): void {
    this.counted();
    if (this.requestLog) logRequest(this.requestLog, client, exchange, request);
  }
}
