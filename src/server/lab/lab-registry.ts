import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import type { PlaygroundLimits } from "../config.js";
import type { LessonLab } from "../lesson-lab.js";
import { Lab } from "./lab.js";
import { LabDatabases } from "./lab-database.js";

export type OpenLabResult =
  | { ok: true; lab: Lab; created: boolean }
  | { ok: false; reason: "unknown_lesson" | "lab_limit" | "process_limit" | "address_process_limit" };

/** 128 random bits, URL-safe: a lab id is a capability, so it must not be guessable. */
export function newLabId(): string {
  return randomBytes(16).toString("base64url");
}

/** All labs of this process: created on demand, one per learner and lesson, evicted when idle. */
export class LabRegistry extends EventEmitter<{ evicted: [Lab] }> {
  private readonly labs = new Map<string, Lab>();
  private readonly byOwner = new Map<string, Lab>();
  private readonly owners = new Map<Lab, string>();
  /** Who opened each lab that runs node processes, and how many processes each such address holds now. */
  private readonly openers = new Map<Lab, string>();
  private readonly heldByAddress = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;
  readonly databases: LabDatabases;

  constructor(
    private readonly lessons: ReadonlyMap<string, LessonLab>,
    readonly limits: PlaygroundLimits,
    dataDir = "data",
    /** Starts every lab id: with several playground processes, the id says which one holds the lab. */
    private readonly idPrefix = "",
  ) {
    super();
    this.databases = new LabDatabases(dataDir, limits);
    const every = Math.max(50, Math.min(limits.labIdleMs / 2, limits.unconnectedLabIdleMs / 2, 30_000));
    this.sweeper = setInterval(() => void this.evictIdle(Date.now()), every);
    this.sweeper.unref();
  }

  get size(): number {
    return this.labs.size;
  }

  /** The separate processes the labs of this server run (the Scaling labs' nodes). */
  get processes(): number {
    let count = 0;
    for (const lab of this.labs.values()) count += lab.lesson.processes ?? 0;
    return count;
  }

  lesson(slug: string): LessonLab | undefined {
    return this.lessons.get(slug);
  }

  get maxProcessesPerAddress(): number {
    return this.limits.maxLabProcessesPerAddress;
  }

  /** Node processes the labs opened from `address` run now (Scaling labs: two each). */
  processesHeldBy(address: string): number {
    return this.heldByAddress.get(address) ?? 0;
  }

  /**
   * The learner's lab for a lesson: the existing one, or a new one when there is room, on this server and,
   * for a lab of node processes, within what the opener's `address` may hold at once.
   */
  open(lessonSlug: string, learner: string, address?: string): OpenLabResult {
    const lesson = this.lessons.get(lessonSlug);
    if (!lesson) return { ok: false, reason: "unknown_lesson" };
    const owner = `${learner}\n${lessonSlug}`;
    const existing = this.byOwner.get(owner);
    if (existing) {
      existing.touch();
      return { ok: true, lab: existing, created: false };
    }
    if (this.labs.size >= this.limits.maxLabs) return { ok: false, reason: "lab_limit" };
    if (lesson.processes && this.processes + lesson.processes > this.limits.maxLabProcesses) return { ok: false, reason: "process_limit" };
    if (
      lesson.processes &&
      address !== undefined &&
      this.processesHeldBy(address) + lesson.processes > this.limits.maxLabProcessesPerAddress
    )
      return { ok: false, reason: "address_process_limit" };
    const lab = new Lab(this.idPrefix + newLabId(), lesson, this.limits, this.databases);
    this.labs.set(lab.id, lab);
    this.byOwner.set(owner, lab);
    this.owners.set(lab, owner);
    if (lesson.processes && address !== undefined) {
      this.openers.set(lab, address);
      this.heldByAddress.set(address, this.processesHeldBy(address) + lesson.processes);
    }
    return { ok: true, lab, created: true };
  }

  /** Whether this process holds the learner's lab for a lesson. */
  hasLearner(lessonSlug: string, learner: string): boolean {
    return this.byOwner.has(`${learner}\n${lessonSlug}`);
  }

  get(id: string): Lab | undefined {
    return this.labs.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const lab = this.labs.get(id);
    if (!lab) return false;
    this.forget(lab);
    await lab.close();
    return true;
  }

  async evictIdle(now: number): Promise<void> {
    const idle = [...this.labs.values()].filter((lab) => lab.isIdle(now));
    for (const lab of idle) this.forget(lab);
    await Promise.all(idle.map((lab) => lab.close()));
    for (const lab of idle) this.emit("evicted", lab);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.labs.values()];
    for (const lab of all) this.forget(lab);
    await Promise.all(all.map((lab) => lab.close()));
    await this.databases.close();
  }

  private forget(lab: Lab): void {
    this.labs.delete(lab.id);
    const owner = this.owners.get(lab);
    if (owner !== undefined) this.byOwner.delete(owner);
    this.owners.delete(lab);
    // The lab's processes stop as it closes: its opener may start others.
    const opener = this.openers.get(lab);
    if (opener === undefined) return;
    this.openers.delete(lab);
    const held = this.processesHeldBy(opener) - (lab.lesson.processes ?? 0);
    if (held > 0) this.heldByAddress.set(opener, held);
    else this.heldByAddress.delete(opener);
  }
}
