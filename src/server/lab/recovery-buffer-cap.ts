import type { Namespace } from "socket.io";

/**
 * Connection state recovery keeps every broadcast packet for the whole recovery window, with no count
 * limit (socket.io-adapter's in-memory SessionAwareAdapter): a busy lab would grow without bound. Keep
 * the newest ones only. Adapters that keep packets elsewhere (a Redis stream, with its own maxLen) have
 * no `packets` array, and are left alone.
 */
export function capRecoveryBuffer(namespace: Namespace, max: number): void {
  const adapter = namespace.adapter as unknown as { packets?: unknown[]; broadcast: (...args: unknown[]) => unknown };
  if (!Array.isArray(adapter.packets)) return;
  const broadcast = adapter.broadcast.bind(adapter);
  adapter.broadcast = (...args: unknown[]) => {
    const result = broadcast(...args);
    const packets = adapter.packets ?? [];
    if (packets.length > max) packets.splice(0, packets.length - max);
    return result;
  };
}
