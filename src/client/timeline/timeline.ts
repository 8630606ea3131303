import type { DecodedFrame } from "../../shared/frame-decoder.js";
import { AckMatcher } from "../ack-matcher.js";
import { pageEventReason } from "./page-frames.js";

/** The server's lane; every other lane is a client's name. */
export const SERVER_LANE = "Server";

export type Direction = "to-server" | "to-client" | "none";

/** Why an entry is marked on its lane, beyond being a frame. */
export type Mark = "buffered" | "flushed" | "recovered" | "fault" | "status" | "step";

/** On a frame a packet fault acted on (see packet-fault-marks.ts): what was done, said short and in full. */
export interface FrameFault {
  action: "dropped" | "duplicated" | "delayed" | "closed";
  /** For the row, where a narrow lane has room for little: "✂ dropped". */
  label: string;
  /** The server's line about it, with its icon: "✂ dropped ack 0 to Alice (drop next 1 ack)". */
  text: string;
}

export interface TimelineEntry {
  seq: number;
  at: number;
  /** Whose lane: a client's name, or SERVER_LANE for what only the server saw. */
  lane: string;
  direction: Direction;
  summary: string;
  frame?: DecodedFrame;
  /** Ping and pong, hidden unless the learner asks for them. */
  heartbeat?: boolean;
  /**
   * The page's own bookkeeping (see page-frames.ts): why the page sent it, on its event and on the ack
   * answering it. Hidden unless the learner asks for them, and labelled when shown.
   */
  page?: string;
  mark?: Mark;
  /** On an ack: the seq of the emit it answers, and the round trip from that emit. */
  ackOf?: number;
  rttMs?: number;
  /** On an emit that asked for an ack: the seq of the ack that answered it. */
  ackedBy?: number;
  /** On a recovered event: the offset the server appended as its last argument. */
  offset?: string;
  /** On a frame a packet fault dropped, duplicated, delayed or closed the connection after. */
  fault?: FrameFault;
}

export interface TimelineFilter {
  client: string;
  event: string;
  showHeartbeat: boolean;
  /** Show the page's own frames too. */
  showPage?: boolean;
}

export const SHOW_ALL: TimelineFilter = { client: "", event: "", showHeartbeat: false, showPage: false };

export type NewEntry = Omit<TimelineEntry, "seq" | "ackOf" | "rttMs" | "ackedBy">;

const EXPORT_VERSION = 1;

/**
 * Everything the lab's wire did, in the order it was seen. Knows nothing of the page: the view renders it,
 * the recorders fill it. Keeps the newest `keep` entries.
 */
export class Timeline {
  private items: TimelineEntry[] = [];
  private seq = 0;
  private readonly listeners = new Set<() => void>();
  /** Emits waiting for their ack, one matcher per lane (each lane is one client's connection). */
  private readonly asks = new Map<string, AckMatcher<TimelineEntry>>();

  constructor(
    private readonly keep = 20_000,
    private readonly pageReason: (event: string) => string | undefined = pageEventReason,
  ) {}

  get entries(): readonly TimelineEntry[] {
    return this.items;
  }

  get lanes(): string[] {
    return [...new Set(this.items.map((entry) => entry.lane).filter((lane) => lane !== SERVER_LANE))];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(entry: NewEntry): TimelineEntry {
    this.seq += 1;
    const added: TimelineEntry = { ...entry, seq: this.seq };
    const event = entry.frame?.packet?.event;
    const page = event === undefined || entry.direction === "none" ? undefined : this.pageReason(event);
    if (page !== undefined) added.page = page;
    // A row of a frame the client never saw (a dropped one, the server's second copy) answers no emit.
    if (entry.fault === undefined) this.link(added);
    this.items.push(added);
    if (this.items.length > this.keep) this.items.splice(0, this.items.length - this.keep);
    this.changed();
    return added;
  }

  /** A lane's connection started over: its ack ids start again at 0, so earlier asks can no longer be answered. */
  forgetAsks(lane: string): void {
    this.asks.get(lane)?.forget();
  }

  /** Marks entries already recorded, e.g. events a recovered connect turns out to have replayed. */
  mark(seqs: readonly number[], mark: Mark, offsets: ReadonlyMap<number, string> = new Map()): void {
    for (const entry of this.items) {
      if (!seqs.includes(entry.seq)) continue;
      entry.mark = mark;
      const offset = offsets.get(entry.seq);
      if (offset !== undefined) entry.offset = offset;
    }
    this.changed();
  }

  /**
   * Marks a frame a packet fault acted on. Its summary starts with the mark from then on, so whatever shows
   * the summary (the diagram's row, the table, a bug report's excerpt) says it.
   */
  markFault(seq: number, fault: FrameFault): void {
    const entry = this.items.find((candidate) => candidate.seq === seq);
    if (!entry || entry.fault) return;
    entry.fault = fault;
    entry.summary = faultedSummary(fault, entry.summary);
    this.changed();
  }

  clear(): void {
    this.items = [];
    this.asks.clear();
    this.changed();
  }

  filtered(filter: TimelineFilter): TimelineEntry[] {
    const event = filter.event.trim().toLowerCase();
    return this.items.filter((entry) => {
      if (entry.heartbeat && !filter.showHeartbeat) return false;
      if (entry.page !== undefined && !filter.showPage) return false;
      if (filter.client && entry.lane !== filter.client && entry.lane !== SERVER_LANE) return false;
      if (event && !(entry.frame?.packet?.event ?? entry.summary).toLowerCase().includes(event)) return false;
      return true;
    });
  }

  export(): string {
    return JSON.stringify({ version: EXPORT_VERSION, exportedAt: Date.now(), entries: this.items }, null, 1);
  }

  /** Replaces the timeline with an exported one; throws with a readable reason if the file is not one. */
  import(json: string): void {
    const parsed = JSON.parse(json) as { version?: unknown; entries?: unknown };
    if (parsed.version !== EXPORT_VERSION || !Array.isArray(parsed.entries)) {
      throw new Error("This file is not a timeline exported by the playground.");
    }
    const directions = ["to-server", "to-client", "none"];
    const entries = parsed.entries.filter(
      (entry): entry is TimelineEntry =>
        !!entry &&
        typeof entry === "object" &&
        typeof entry.seq === "number" &&
        typeof entry.at === "number" &&
        typeof entry.lane === "string" &&
        typeof entry.summary === "string" &&
        directions.includes(entry.direction) &&
        (entry.page === undefined || typeof entry.page === "string") &&
        (entry.frame === undefined || (typeof entry.frame === "object" && typeof entry.frame?.raw === "string")),
    );
    // A fault mark is drawn from its text: one of another shape is left off, not drawn half.
    for (const entry of entries) if (entry.fault !== undefined && !isFrameFault(entry.fault)) delete entry.fault;
    this.items = entries.slice(-this.keep);
    this.seq = this.items.at(-1)?.seq ?? 0;
    this.asks.clear();
    this.changed();
  }

  /** Pairs an ack with the emit that asked for it, by the rule AckMatcher holds. */
  private link(entry: TimelineEntry): void {
    const packet = entry.frame?.packet;
    if (!packet || entry.direction === "none") return;
    let matcher = this.asks.get(entry.lane);
    if (!matcher) this.asks.set(entry.lane, (matcher = new AckMatcher()));
    const ask = matcher.track(entry.direction, packet, entry);
    if (!ask) return;
    entry.ackOf = ask.seq;
    entry.rttMs = entry.at - ask.at;
    ask.ackedBy = entry.seq;
    // The ack that answers the page's own emit is the page's too.
    if (ask.page !== undefined) entry.page = ask.page;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** A faulted frame's summary: the mark first, where a narrow lane cuts the label short ("✂ dropped · ack 0 …"). */
export const faultedSummary = (fault: FrameFault, summary: string): string => `${fault.label} · ${summary}`;

const FAULT_ACTIONS: readonly unknown[] = ["dropped", "duplicated", "delayed", "closed"];

function isFrameFault(value: unknown): value is FrameFault {
  const fault = value as Partial<FrameFault> | null;
  return (
    typeof fault === "object" &&
    fault !== null &&
    FAULT_ACTIONS.includes(fault.action) &&
    typeof fault.label === "string" &&
    typeof fault.text === "string"
  );
}
