import { randomBytes } from "node:crypto";

/** How long a ticket admits a code run's connections, and how many one lab may hold at once. */
export const RUN_TICKET_MS = 90_000;
export const MAX_RUN_TICKETS = 16;

/**
 * Tickets for code runs. The playground runs learners' code in a sandboxed iframe, whose requests carry
 * `Origin: null`, the same as any other site's sandboxed page. A lab admits `Origin: null` only with a
 * ticket from `POST /api/labs/:id/runs`, which only a same-origin page can read: the control API sends no
 * CORS headers, so another site's page may cause a ticket to be made but never sees it.
 */
export class RunTickets {
  private readonly tickets = new Map<string, number>();

  /** A new ticket, or undefined when the lab already holds its maximum of live tickets. */
  issue(now = Date.now()): { ticket: string; expiresAt: number } | undefined {
    this.prune(now);
    if (this.tickets.size >= MAX_RUN_TICKETS) return undefined;
    const ticket = randomBytes(16).toString("base64url");
    const expiresAt = now + RUN_TICKET_MS;
    this.tickets.set(ticket, expiresAt);
    return { ticket, expiresAt };
  }

  /** A run that stopped gives its ticket back, so a learner who runs often never meets the cap. */
  revoke(ticket: string): boolean {
    return this.tickets.delete(ticket);
  }

  admits(ticket: string | null | undefined, now = Date.now()): boolean {
    if (!ticket) return false;
    const expiresAt = this.tickets.get(ticket);
    return expiresAt !== undefined && expiresAt > now;
  }

  private prune(now: number): void {
    for (const [ticket, expiresAt] of this.tickets) if (expiresAt <= now) this.tickets.delete(ticket);
  }
}
