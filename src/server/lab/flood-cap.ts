import type { Socket } from "socket.io";
import { LAB_ERROR_EVENT, type LabErrorPayload } from "../../shared/lab-api.js";
import { clientName } from "./client-name.js";
import type { LabRules } from "./lab-rules.js";
import { RateLimit } from "./rate-limit.js";

/** Past this many budgets kept, those not used for a while (full again, so no different from new) are forgotten. */
const KEEP_BUDGETS = 256;

/** Token buckets by key, outliving the sockets that spend them. */
class Budgets {
  private readonly buckets = new Map<string, { rate: RateLimit; usedAt: number }>();

  constructor(private readonly ratePerSecond: number) {}

  take(key: string, now: number): boolean {
    let budget = this.buckets.get(key);
    if (!budget) {
      if (this.buckets.size >= KEEP_BUDGETS) this.forgetIdle(now);
      budget = { rate: new RateLimit(this.ratePerSecond, now), usedAt: now };
      this.buckets.set(key, budget);
    }
    budget.usedAt = now;
    return budget.rate.take(now);
  }

  private forgetIdle(now: number): void {
    // One second unused refills a bucket: a new one would be the same.
    for (const [key, { usedAt }] of this.buckets) if (now - usedAt > 1000) this.buckets.delete(key);
  }
}

/**
 * The events-per-second budget of a lab's clients. It belongs to the client's name (or, unnamed, its
 * address), not to one socket: a client cut off for flooding that reconnects at once finds its bucket as
 * empty as it left it. One address also has a budget for all its clients together (every client the lab
 * admits at full rate), so new names do not buy new budgets without end.
 */
export class FloodBudgets {
  private readonly byName: Budgets;
  private readonly byAddress: Budgets;

  constructor(maxEventsPerSecond: number, maxClients: number) {
    this.byName = new Budgets(maxEventsPerSecond);
    this.byAddress = new Budgets(maxEventsPerSecond * maxClients);
  }

  take(name: string, address: string, now: number): boolean {
    return this.byName.take(name, now) && this.byAddress.take(address, now);
  }
}

/** Over the events-per-second cap: tell the client why, then cut it off, so a runaway loop cannot load the server. */
export function cutFloods(socket: Socket, { caps, scope, log }: LabRules, budgets: FloodBudgets): void {
  const name = clientName(socket);
  const address = socket.handshake.address;
  // A socket with no name of its own goes by its address: its id is new on every reconnect.
  const key = name === socket.id ? `address ${address}` : `name ${name}`;
  let flooded = false;
  socket.conn.on("packet", (packet: { type: string; data?: unknown }) => {
    // Binary attachments ride with the event they belong to: only text frames count as events.
    if (flooded || packet.type !== "message" || typeof packet.data !== "string" || budgets.take(key, address, Date.now())) return;
    flooded = true;
    const message = `More than ${caps.maxEventsPerSecond} events per second: ${scope.actor} disconnected this client. Reconnect to carry on.`;
    log.add({ at: Date.now(), kind: "refused", client: name, message });
    const payload: LabErrorPayload = { code: "rate_limited", message };
    socket.emit(LAB_ERROR_EVENT, payload);
    socket.disconnect(true);
  });
}
