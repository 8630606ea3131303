/** Something that travels over a link and can be cut: a WebSocket, or one in-flight HTTP request. */
export interface Connection {
  cut(): void;
}

/**
 * How much a link may hold: the lab says, from its limits and its server's heartbeat. One object serves
 * all of a lab's links (there is a link per client name), so it is told whose link speaks.
 */
export interface LinkLimits {
  /** Connections open over the link at once; one more is refused. */
  readonly maxConnections: number;
  /** How long the link may hold a connection back: the lab's pingInterval + pingTimeout, read as it changes. */
  holdMs(): number;
  /** The link of `client` refused or closed a connection to stay within its limits: the server log should say why. */
  limited(client: string, message: string): void;
}

/**
 * Where a connection's being held back is counted beyond its link: the host counts, per client address,
 * the connections links hold (src/server/host/open-connections.ts). The link says when a connection starts
 * and stops being held, and knows nothing of whose count it is.
 */
export interface HeldTally {
  held(): void;
  released(): void;
}

export const NO_TALLY: HeldTally = { held: () => undefined, released: () => undefined };

export const NO_LINK_LIMITS: LinkLimits = {
  maxConnections: Number.POSITIVE_INFINITY,
  holdMs: () => Number.POSITIVE_INFINITY,
  limited: () => undefined,
};

function release(held: Held): void {
  held.tally?.released();
  held.tally = undefined;
}

interface Held {
  /** The request or upgrade reached the lab's server. */
  delivered: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Told while the connection is held back (admitted, not yet delivered); released once, either way. */
  tally: HeldTally | undefined;
}

/**
 * The connections open over one client's link, bounded. A blackholed or slow link used to keep every
 * request and upgrade made with the client's name, with no cap and no timeout: one visitor held 1,500
 * connections (and their file descriptors) for over a minute. Now a link keeps at most `maxConnections`,
 * refuses the next at once, and closes a connection it has held back for longer than pingInterval +
 * pingTimeout, by which time Socket.IO itself has given up on it. A connection that got through before a
 * blackhole began gets twice that: the client's and the server's heartbeats end it first, as the lessons show.
 */
export class LinkConnections {
  private readonly open = new Map<Connection, Held>();
  private refusing = false;

  constructor(
    private readonly limits: LinkLimits,
    /** Whose connections these are, and whether it is blackholed when a held one's time is up: the link itself. */
    private readonly link: { readonly name: string; readonly blackholed: boolean },
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** A new connection over the link; false (and the caller refuses it) when the link already holds its maximum. */
  admit(connection: Connection, tally: HeldTally = NO_TALLY): boolean {
    const { maxConnections } = this.limits;
    if (this.open.size >= maxConnections) {
      if (!this.refusing)
        this.limits.limited(this.link.name, `The link already holds ${maxConnections} connections: further ones are refused`);
      this.refusing = true;
      return false;
    }
    this.refusing = false;
    const held: Held = { delivered: false, timer: undefined, tally };
    this.open.set(connection, held);
    tally.held();
    this.expireAfter(connection, held, this.limits.holdMs());
    return true;
  }

  /** The connection's request or upgrade reached the lab's server: the link no longer holds it back. */
  delivered(connection: Connection): void {
    const held = this.open.get(connection);
    if (!held) return;
    held.delivered = true;
    // Its time limit only matters again if a blackhole begins (blackholeBegan sets a new one): clearing it
    // now spares every healthy connection a live timer for its first pingInterval + pingTimeout.
    clearTimeout(held.timer);
    held.timer = undefined;
    release(held);
  }

  closed(connection: Connection): void {
    const held = this.open.get(connection);
    if (!held) return;
    clearTimeout(held.timer);
    release(held);
    this.open.delete(connection);
  }

  /** A blackhole began: what already got through is held from now on. */
  blackholeBegan(): void {
    for (const [connection, held] of this.open) if (held.delivered) this.expireAfter(connection, held, 2 * this.limits.holdMs());
  }

  /** Cuts every connection at once (a drop). */
  cutAll(): void {
    for (const [connection, held] of [...this.open]) {
      clearTimeout(held.timer);
      release(held);
      connection.cut();
    }
    this.open.clear();
  }

  private expireAfter(connection: Connection, held: Held, ms: number): void {
    clearTimeout(held.timer);
    if (!Number.isFinite(ms)) return;
    held.timer = setTimeout(() => {
      held.timer = undefined;
      if (held.delivered && !this.link.blackholed) return;
      this.closed(connection);
      connection.cut();
      this.limits.limited(
        this.link.name,
        `The link held a connection for ${ms} ms, longer than Socket.IO waits (pingInterval + pingTimeout): it is closed`,
      );
    }, ms);
    held.timer.unref();
  }
}
