import type { LabInfo } from "../shared/lab-api.js";
import { LabFeed } from "./lab-feed.js";
import { Timeline } from "./timeline/timeline.js";
import { recordClient, recordServerLog } from "./timeline/wire-recorder.js";
import { VirtualClient, type ClientOptions, type TransportChoice } from "./virtual-client.js";
import { EventGate } from "./event-gate.js";

export interface NewClient {
  transport?: TransportChoice;
  options?: ClientOptions;
}

/**
 * One learner's lab in the browser, with no UI in it: its virtual clients, the feed of its server's log and
 * inspector, and the timeline both fill. Views subscribe to these; a script (or a test in Node) can drive a
 * whole lab through it alone.
 */
export class LabSession {
  readonly timeline = new Timeline();
  readonly feed: LabFeed;
  private readonly members = new Map<string, { client: VirtualClient; stopRecording(): void }>();
  private readonly listeners = new Set<() => void>();

  /**
   * With `{ held: true }` its clients and feed keep their news for the views until `release()` (a lab page
   * connects before its views have loaded: lab-boot.ts); the timeline records it meanwhile.
   */
  private readonly gate: EventGate;

  constructor(
    readonly lab: LabInfo,
    private readonly origin: string = location.origin,
    { held = false }: { held?: boolean } = {},
  ) {
    this.gate = held ? new EventGate() : EventGate.open();
    this.feed = new LabFeed(lab, origin, this.gate);
    this.feed.on("entry", (entry) => recordServerLog(this.timeline, entry), { immediate: true });
  }

  /** The views are listening: what the clients and the feed reported meanwhile reaches them, in order. */
  release(): void {
    this.gate.release();
  }

  /** The clients in the order they were added. */
  get clients(): VirtualClient[] {
    return [...this.members.values()].map(({ client }) => client);
  }

  client(name: string): VirtualClient | undefined {
    return this.members.get(name)?.client;
  }

  /** Connects a new named client, recorded on its own timeline lane. */
  addClient(name: string, { transport = "default", options = {} }: NewClient = {}): VirtualClient {
    if (this.members.has(name)) throw new Error(`${name} is already in this lab.`);
    const client = new VirtualClient(name, this.lab, transport, this.origin, options, this.gate);
    this.members.set(name, { client, stopRecording: recordClient(this.timeline, client) });
    this.changed();
    return client;
  }

  /** Disconnects a client and forgets it; its lane keeps what it recorded. */
  removeClient(name: string): void {
    const member = this.members.get(name);
    if (!member) return;
    member.stopRecording();
    member.client.close();
    this.members.delete(name);
    this.changed();
  }

  /** Told whenever a client is added or removed. */
  onClientsChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    for (const name of [...this.members.keys()]) this.removeClient(name);
    this.feed.close();
    this.listeners.clear();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
