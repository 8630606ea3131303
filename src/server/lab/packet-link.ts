import type { PacketFaultNote, PacketFaultSet } from "./packet-fault-set.js";

/** What a connection of a client's link needs to apply its packet faults. */
export interface PacketLink {
  readonly faults: PacketFaultSet;
  /** The longest frame or body inspected: the lab's payload cap, past which its server refuses it anyway. */
  readonly maxFrameBytes: number;
  /** Faults acted on a packet (its text's start, `frame`): the lab logs each. */
  report(notes: PacketFaultNote[], frame: string): void;
}
