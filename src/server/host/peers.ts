import { createHash } from "node:crypto";
import { createClient } from "redis";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { forwardRequest, forwardUpgrade, type Upstream } from "../proxy.js";

/** A peer's entry lives this long unless refreshed: a process that died is forgotten within it. */
const PEER_TTL_S = 15;
const REFRESH_MS = 5000;
/** A peer's address is looked up at most this often per peer. */
const CACHE_MS = 2000;
const MAX_CACHED = 256;
export const NODE_ID = /^[a-z0-9]{1,16}$/;

/** The few Redis commands the directory uses. */
interface Store {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { EX: number } | { PX: number }): Promise<unknown>;
  del(key: string): Promise<unknown>;
  destroy(): void;
}

export interface PeerConfig {
  redisUrl: string;
  /** This process's name among the peers, e.g. "p1"; the prefix of every lab id it makes. */
  nodeId: string;
}

/**
 * Several playground processes that share one Redis. Each process owns the labs it created: their ids
 * start with its node id (`p1-…`), so any process can tell whose a lab is without asking. Redis holds two
 * things: where each live process answers (`playground:peer:<id>`, refreshed while it runs), and which lab
 * a learner has for a lesson (`playground:learner:<hash>`), so a learner who reaches another process is
 * sent back to the lab they already have.
 */
export class PeerDirectory {
  private readonly cache = new Map<string, { at: number; address: string | undefined }>();
  private refresher: NodeJS.Timeout | undefined;

  private constructor(
    readonly nodeId: string,
    private readonly redis: Store,
  ) {}

  static async connect({ redisUrl, nodeId }: PeerConfig): Promise<PeerDirectory> {
    if (!NODE_ID.test(nodeId)) throw new Error(`PLAYGROUND_NODE_ID must be 1 to 16 lowercase letters or digits, got "${nodeId}"`);
    let started = false;
    const redis = createClient({
      url: redisUrl,
      // Without Redis, commands fail at once instead of queueing: a lookup that fails leaves the request local.
      disableOfflineQueue: true,
      socket: {
        // At start, a Redis that cannot be reached is a configuration error: stop with it. Once running, an
        // outage is waited out.
        reconnectStrategy: (retries: number) =>
          !started && retries >= 3 ? new Error(`cannot reach Redis at ${redisUrl} (REDIS_URL)`) : Math.min(100 * 2 ** retries, 2000),
      },
    });
    // A Redis outage must not take the process down: lookups fail, and each learner's requests stay local.
    let reported = "";
    redis.on("error", (error: Error) => {
      if (error.message !== reported) console.error(`peers: Redis: ${error.message}`);
      reported = error.message;
    });
    redis.on("ready", () => (reported = ""));
    await redis.connect();
    started = true;
    return new PeerDirectory(nodeId, redis as unknown as Store);
  }

  /** Says where this process answers, and keeps saying it while it runs. */
  async announce(url: string): Promise<void> {
    const key = `playground:peer:${this.nodeId}`;
    await this.redis.set(key, url, { EX: PEER_TTL_S });
    this.refresher = setInterval(() => void this.redis.set(key, url, { EX: PEER_TTL_S }).catch(() => undefined), REFRESH_MS);
    this.refresher.unref();
  }

  /** The id prefix of this process's labs. */
  get labPrefix(): string {
    return `${this.nodeId}-`;
  }

  /** The process that made a lab, from its id; undefined for an id that is not a peer's. */
  ownerOf(labId: string): string | undefined {
    const dash = labId.indexOf("-");
    const owner = dash > 0 ? labId.slice(0, dash) : "";
    return NODE_ID.test(owner) ? owner : undefined;
  }

  /** Where the other live process that holds `labId` answers; undefined when the lab would be this process's, or its owner is down. */
  async holderOf(labId: string): Promise<Upstream | undefined> {
    const owner = this.ownerOf(labId);
    return owner && owner !== this.nodeId ? this.addressOf(owner) : undefined;
  }

  /**
   * Passes a request for a lab this process does not hold on to the process that does: any process answers
   * any learner. `notFound` answers when no live process holds it, or its holder does not answer (it has
   * stopped, and the lab with it).
   */
  forwardRequest(labId: string, req: IncomingMessage, res: ServerResponse, notFound: () => void): void {
    this.holderOf(labId)
      .then((target) => {
        if (!target) return notFound();
        forwardRequest(req, res, target, req.url ?? "/", { onFail: () => (this.lost(labId), notFound()), addHop: true });
      })
      .catch(notFound);
  }

  /** The same for a WebSocket upgrade. */
  forwardUpgrade(labId: string, req: IncomingMessage, socket: Duplex, head: Buffer, notFound: () => void): void {
    this.holderOf(labId)
      .then((target) => {
        if (!target) return notFound();
        forwardUpgrade(req, socket, head, target, req.url ?? "/", () => (this.lost(labId), notFound()), true);
      })
      .catch(notFound);
  }

  /** The process holding `labId` did not answer: treat it as gone for a while. */
  lost(labId: string): void {
    const owner = this.ownerOf(labId);
    if (owner) this.forget(owner);
  }

  /** Where another live process answers; undefined when it is not running (or Redis cannot say). */
  async addressOf(nodeId: string): Promise<Upstream | undefined> {
    const cached = this.cache.get(nodeId);
    let address = cached && Date.now() - cached.at < CACHE_MS ? cached.address : undefined;
    if (!cached || Date.now() - cached.at >= CACHE_MS) {
      address = (await this.redis.get(`playground:peer:${nodeId}`).catch(() => null)) ?? undefined;
      this.remember(nodeId, address);
    }
    if (!address) return undefined;
    const url = new URL(address);
    return { host: url.hostname, port: Number(url.port || 80) };
  }

  /** A peer did not answer: treat it as gone until the cache would ask Redis again. */
  forget(nodeId: string): void {
    this.remember(nodeId, undefined);
  }

  /** Cached per node id; ids come from request paths, so the cache is emptied when it grows past a real cluster's size. */
  private remember(nodeId: string, address: string | undefined): void {
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(nodeId, { at: Date.now(), address });
  }

  /** The lab a learner last had for a lesson, on whichever process. */
  async labFor(learner: string, lesson: string): Promise<string | undefined> {
    return (await this.redis.get(learnerKey(learner, lesson)).catch(() => null)) ?? undefined;
  }

  /** Remembers a learner's lab for as long as an idle lab lives. */
  async rememberLab(learner: string, lesson: string, labId: string, ttlMs: number): Promise<void> {
    await this.redis.set(learnerKey(learner, lesson), labId, { PX: ttlMs }).catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.refresher);
    await this.redis.del(`playground:peer:${this.nodeId}`).catch(() => undefined);
    this.redis.destroy();
  }
}

/** Learner ids are capabilities of a kind: Redis keeps a hash of them, not the ids. */
function learnerKey(learner: string, lesson: string): string {
  return `playground:learner:${createHash("sha256").update(`${learner}\n${lesson}`).digest("base64url")}`;
}
