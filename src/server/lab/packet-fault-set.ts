import { describePacketFault, directionText } from "../../shared/packet-fault-text.js";
import {
  PACKET_FAULT_LIMITS,
  type ActivePacketFault,
  type Direction,
  type PacketFault,
  type PacketFaultMark,
  type PacketMatch,
} from "../../shared/packet-faults.js";
import type { PacketInfo } from "./packet-reader.js";

/** What the link does with one packet (and its attachments). */
export interface PacketVerdict {
  /** False: dropped, never delivered. */
  deliver: boolean;
  /** 2: sent twice, one copy right after the other. */
  copies: 1 | 2;
  /** Held back this long before it goes on (0: at once). */
  delayMs: number;
  /** The connection closes right after this packet. */
  close: boolean;
  /** What each fault that acted did, for the server log. */
  notes: PacketFaultNote[];
}

/** One fault acting on one packet: what the server log says of it, and what the timeline marks. */
export interface PacketFaultNote {
  faultId: string;
  action: PacketFaultMark["action"];
  direction: Direction;
  message: string;
}

const PASS: PacketVerdict = { deliver: true, copies: 1, delayMs: 0, close: false, notes: [] };

function matches(match: PacketMatch, info: PacketInfo): boolean {
  return match.kind === info.kind && (match.event === undefined || match.event === info.event);
}

/** "ack 3", "event \"chat\"", "ping": the packet, as a log line names it. */
function packetText(info: PacketInfo): string {
  if (info.kind === "event") return info.event === undefined ? "event" : `event "${info.event}"`;
  if (info.kind === "ack") return info.id === undefined ? "ack" : `ack ${info.id}`;
  return info.kind === "other" ? "packet" : info.kind;
}

const NO_FAULTS: readonly ActivePacketFault[] = [];

/**
 * The packet faults on one client's link (src/shared/packet-faults.ts), kept by the link so that they
 * follow the client across reconnections. It judges packets; the link applies the verdicts to the bytes.
 */
export class PacketFaultSet {
  /** Replaced, never changed in place, so that every link without faults shares one empty list ([8/8]). */
  private faults: readonly ActivePacketFault[] = NO_FAULTS;
  /** For "every Nth" drops: how many matching packets each has seen; made with the first such count. */
  private seen: Map<string, number> | undefined;
  private nextId = 1;

  constructor(private readonly client: string) {}

  get list(): ActivePacketFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  get size(): number {
    return this.faults.length;
  }

  /** Whether any fault acts on packets in this direction: with none, the link passes bytes unread. */
  has(direction: Direction): boolean {
    return this.faults.some((fault) => fault.direction === direction);
  }

  /** Adds a fault; undefined when the link already holds PACKET_FAULT_LIMITS.maxFaults. */
  add(fault: PacketFault): ActivePacketFault | undefined {
    if (this.faults.length >= PACKET_FAULT_LIMITS.maxFaults) return undefined;
    const id = `pf${this.nextId++}`;
    const remaining =
      fault.type === "closeAfter"
        ? fault.packets
        : fault.type === "delayAcks" || (fault.type === "drop" && fault.every !== undefined)
          ? undefined
          : fault.next;
    const active: ActivePacketFault = { ...fault, id, ...(remaining !== undefined && { remaining }) };
    this.faults = [...this.faults, active];
    return { ...active };
  }

  end(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    this.seen?.delete(id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = NO_FAULTS;
    this.seen = undefined;
  }

  /** Judges one packet crossing the link in `direction`; counts it against every fault it matches. */
  judge(direction: Direction, info: PacketInfo): PacketVerdict {
    if (info.housekeeping || !this.has(direction)) return PASS;
    const notes: PacketFaultNote[] = [];
    const what = `${packetText(info)} ${directionText(direction, this.client)}`;
    const note = (fault: ActivePacketFault, action: PacketFaultNote["action"], message: string) => {
      const left = fault.remaining !== undefined && fault.remaining > 0 ? `, ${fault.remaining} left` : "";
      notes.push({ faultId: fault.id, action, direction, message: `${message} (${describePacketFault(fault)}${left})` });
    };
    for (const fault of this.faults) {
      if (fault.direction !== direction || fault.type !== "drop" || !matches(fault.match, info)) continue;
      if (fault.every !== undefined) {
        const counts = (this.seen ??= new Map());
        const seen = (counts.get(fault.id) ?? 0) + 1;
        counts.set(fault.id, seen);
        if (seen % fault.every !== 0) continue;
      } else {
        fault.remaining = (fault.remaining ?? 1) - 1;
      }
      note(fault, "dropped", `dropped ${what}`);
      this.sweep();
      return { ...PASS, deliver: false, notes };
    }
    let copies: 1 | 2 = 1;
    let delayMs = 0;
    let close = false;
    for (const fault of this.faults) {
      if (fault.direction !== direction) continue;
      if (fault.type === "duplicate" && copies === 1 && matches(fault.match, info)) {
        copies = 2;
        fault.remaining = (fault.remaining ?? 1) - 1;
        note(fault, "duplicated", `duplicated ${what}`);
      } else if (fault.type === "delayAcks" && info.kind === "ack" && delayMs === 0) {
        delayMs = fault.delayMs;
        note(fault, "delayed", `delayed ${what} by ${fault.delayMs} ms`);
      } else if (fault.type === "closeAfter") {
        fault.remaining = (fault.remaining ?? 1) - 1;
        if (fault.remaining <= 0 && !close) {
          close = true;
          note(fault, "closed", `closed ${this.client}'s connection after ${what}`);
        }
      }
    }
    this.sweep();
    return notes.length === 0 ? PASS : { deliver: true, copies, delayMs, close, notes };
  }

  /** A "next N" fault that has acted N times is over. */
  private sweep(): void {
    this.faults = this.faults.filter((fault) => fault.remaining === undefined || fault.remaining > 0);
  }
}
