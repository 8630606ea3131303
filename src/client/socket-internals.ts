import type { Socket } from "socket.io-client";

/**
 * State socket.io-client keeps private and announces nowhere, read (never changed) where the lessons need
 * it. The patches that observe its engines live in engine-tap.ts.
 */
interface Internals {
  ids: number;
  _queue?: QueuedPacket[];
}

/** What socket.io-client keeps for `retries`: one packet in flight at a time, the rest waiting behind it. */
export interface QueuedPacket {
  tryCount: number;
  pending: boolean;
  args: unknown[];
}

/**
 * The packet id the socket's next acknowledged emit will carry. The counter is private and the emitter gets
 * no id back; reading it is how an ack is matched to its emit by id rather than by arrival order.
 */
export function nextAckId(socket: Socket): number {
  return (socket as unknown as Internals).ids;
}

/** With `retries`, the emits waiting to be sent or acknowledged, head first: the Retries lesson shows them. */
export function retryQueue(socket: Socket): readonly QueuedPacket[] {
  return (socket as unknown as Internals)._queue ?? [];
}
